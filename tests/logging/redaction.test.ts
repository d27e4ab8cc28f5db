import { Writable } from 'node:stream';
import { createLogger } from '../../src/logging/logger.js';

describe('logger', () => {
  it('never writes passwords, tokens or message bodies', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger('info', sink).child({ component: 'test' });
    log.info(
      { ticketNumber: 7, auth: { user: 'bot', pass: 'hunter2' }, message: { text: 'my PIN is 1234', html: '<p>1234</p>' }, botToken: 'xoxb-secret' },
      'ticket updated',
    );
    const output = lines.join('');
    expect(output).toContain('"ticketNumber":7');
    expect(output).toContain('ticket updated');
    expect(output).not.toContain('hunter2');
    expect(output).not.toContain('1234');
    expect(output).not.toContain('xoxb-secret');
  });
});
