import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { setLogLevel } from '../../src/logging/logger.js';
import { parseMail, type ParseResult } from '../../src/inbound/parse-mail.js';
import { corpusDir, corpusExists, listEmlFiles, manifestFilePath, readManifest, type ManifestEntry } from './support/corpus.js';

const OPTIONS = { maxBytes: 25 * 1024 * 1024, timeoutMs: 5000, tagPrefix: '', ownDomains: ['linia.example'] };

/** Manifest features that only automatic mail has. */
const AUTOMATIC_FEATURES = new Set([
  'bounce/dsn',
  'auto-reply',
  'auto-submitted',
  'precedence:bulk',
  'precedence:list',
  'precedence:junk',
  'mailing-list',
  'abuse-report(arf)',
  'read-receipt(mdn)',
]);

/**
 * Labelled files that are deliberately not classified automatic, with the reason. The
 * test also checks that each of them really stays a person's mail, so an entry cannot
 * hide a change in behaviour.
 */
const DELIBERATE_EXCEPTIONS: Record<string, string> = {
  'spamassassin/spam_004.eml':
    'spam labelled auto-reply only because its subject says "Your Vacation Winning"; no header marks it automatic, and a subject alone must not',
};

const dir = corpusDir();

if (!corpusExists(dir)) {
  const message = `e-mail corpus tests skipped: folder ${dir} not found (set LINIA_CORPUS_DIR or LINIA_DATA_DIR)`;
  console.warn(message);
  describe('e-mail corpus', () => {
    it.skip(message, () => undefined);
  });
} else {
  describe('e-mail corpus', () => {
    const results = new Map<string, ParseResult>();

    beforeAll(async () => {
      setLogLevel('silent');
      for (const file of listEmlFiles(dir)) {
        results.set(path.relative(dir, file), await parseMail(readFileSync(file), OPTIONS));
      }
    });

    afterAll(() => {
      setLogLevel('info');
    });

    it('parses every file to a result or a reason', () => {
      expect(results.size).toBeGreaterThan(0);
      const counts: Record<string, number> = {};
      const add = (key: string) => {
        counts[key] = (counts[key] ?? 0) + 1;
      };
      for (const [file, result] of results) {
        if (result.ok) {
          add('ok');
          add(result.mail.automatic ? `ok, automatic: ${result.mail.automaticKind}` : 'ok, person');
        } else {
          add(`failed: ${result.reason}`);
          expect({ file, reason: result.reason }).toEqual({ file, reason: expect.stringMatching(/^(oversized|unparseable|parse timed out)/) });
          expect(result.messageKey).not.toBe('');
        }
      }
      const summary = Object.entries(counts)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, count]) => `  ${key}: ${count}`)
        .join('\n');
      console.log(`Corpus ${dir}, ${results.size} files:\n${summary}`);
    });

    const manifest = readManifest(dir);
    const labelled = (manifest ?? []).filter((entry) => entry.features.some((feature) => AUTOMATIC_FEATURES.has(feature)));

    (manifest ? it : it.skip)('classifies every file labelled bounce, auto-reply or list as automatic', () => {
      const mismatches: string[] = [];
      for (const entry of labelled) {
        const relative = path.relative(dir, manifestFilePath(dir, entry));
        if (relative in DELIBERATE_EXCEPTIONS) {
          continue;
        }
        const result = results.get(relative);
        const labels = entry.features.filter((feature) => AUTOMATIC_FEATURES.has(feature)).join(', ');
        if (!result) {
          mismatches.push(`${relative} [${labels}]: listed in the manifest but not found`);
        } else if (!result.ok) {
          mismatches.push(`${relative} [${labels}]: not parsed (${result.reason})`);
        } else if (!result.mail.automatic) {
          mismatches.push(`${relative} [${labels}]: classified as a person's mail`);
        }
      }
      expect(labelled.length).toBeGreaterThan(0);
      expect(mismatches).toEqual([]);
    });

    (manifest ? it : it.skip)('keeps the deliberate exceptions as a person\'s mail', () => {
      for (const [relative, reason] of Object.entries(DELIBERATE_EXCEPTIONS)) {
        const entry = labelled.find((candidate: ManifestEntry) => path.relative(dir, manifestFilePath(dir, candidate)) === relative);
        const result = results.get(relative);
        if (!entry || !result || !existsSync(path.join(dir, relative))) {
          continue;
        }
        expect({ relative, reason, automatic: result.ok && result.mail.automatic }).toEqual({ relative, reason, automatic: false });
      }
    });
  });
}
