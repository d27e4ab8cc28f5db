import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

let cached: string | undefined;

/**
 * Returns the folder of Linia's package.json. Code runs from `src/` under Jest and
 * from `dist/src/` when compiled, so the depth differs and is found by walking up.
 */
export function projectRoot(): string {
  if (cached) {
    return cached;
  }
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'linia') {
      cached = dir;
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`package.json of linia not found above ${__dirname}`);
    }
    dir = parent;
  }
}
