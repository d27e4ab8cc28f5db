import { readFileSync } from 'node:fs';
import path from 'node:path';

import { projectRoot } from '../../../src/project-root.js';

/** Reads a crafted message from tests/fixtures/mail. */
export function readMailFixture(name: string): Buffer {
  return readFileSync(path.join(projectRoot(), 'tests', 'fixtures', 'mail', name));
}

/** Builds a raw message from header lines and a body, joined with CRLF as on the wire. */
export function rawMail(headers: string[], body = 'Hello'): Buffer {
  return Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body}`, 'utf8');
}
