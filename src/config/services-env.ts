import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../project-root.js';

/**
 * Reads the `export NAME=VALUE` lines that `npm run services` writes, so the demo
 * finds the local servers without the caller sourcing the file. Returns an empty
 * object when the file does not exist.
 */
export function readServicesEnv(servicesDir?: string): Record<string, string> {
  const dir = servicesDir || process.env.LINIA_SERVICES_DIR || path.join(projectRoot(), '.linia', 'services');
  let text: string;
  try {
    text = readFileSync(path.join(dir, 'env'), 'utf8');
  } catch {
    return {};
  }
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match) {
      continue;
    }
    let value = match[2].trim();
    if ((value.startsWith("'") && value.endsWith("'")) || (value.startsWith('"') && value.endsWith('"'))) {
      value = value.slice(1, -1);
    }
    values[match[1]] = value;
  }
  return values;
}
