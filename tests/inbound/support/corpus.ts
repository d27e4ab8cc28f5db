import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { projectRoot } from '../../../src/project-root.js';

/** One line of the corpus MANIFEST.jsonl; `file` is relative to the data folder, e.g. `emails/flanker/x.eml`. */
export interface ManifestEntry {
  file: string;
  features: string[];
}

/**
 * Returns the folder of the e-mail corpus: LINIA_CORPUS_DIR, or else the `emails`
 * folder of LINIA_DATA_DIR, which defaults to `shared/data` next to the repository.
 */
export function corpusDir(): string {
  const explicit = process.env.LINIA_CORPUS_DIR;
  if (explicit) {
    return path.resolve(explicit);
  }
  const dataDir = process.env.LINIA_DATA_DIR ?? path.join(projectRoot(), '..', 'shared', 'data');
  return path.resolve(dataDir, 'emails');
}

export function corpusExists(dir: string): boolean {
  return existsSync(dir);
}

/** Lists every `.eml` file below `dir`, recursively, sorted. */
export function listEmlFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      files.push(...listEmlFiles(full));
    } else if (entry.isFile() && entry.name.toLowerCase().endsWith('.eml')) {
      files.push(full);
    }
  }
  return files.sort();
}

/** Reads MANIFEST.jsonl of the corpus, or returns null when the corpus has none. */
export function readManifest(dir: string): ManifestEntry[] | null {
  const manifestPath = path.join(dir, 'MANIFEST.jsonl');
  if (!existsSync(manifestPath)) {
    return null;
  }
  return readFileSync(manifestPath, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ManifestEntry);
}

/**
 * Resolves a manifest `file` (relative to the data folder, starting with `emails/`)
 * against the corpus folder.
 */
export function manifestFilePath(dir: string, entry: ManifestEntry): string {
  const relative = entry.file.replace(/^emails\//, '');
  return path.join(dir, relative);
}
