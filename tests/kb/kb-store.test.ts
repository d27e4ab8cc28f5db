import { randomBytes } from 'node:crypto';
import { appendFile, cp, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { KbIndex } from '../../src/kb/kb-index.js';
import { setLogLevel } from '../../src/logging/logger.js';
import { importKbFolders, listArticles, loadArticles, readKbFingerprint } from '../../src/kb/kb-store.js';
import { KbArticleModel } from '../../src/store/article.model.js';
import { EXAMPLES_KB, MONGODB_URI_BASE } from './kb-paths.js';

const SERVER_TIMEOUT_MS = 5000;

describe('knowledge-base store on FerretDB', () => {
  let workDir: string;
  let kbCopy: string;
  let exampleCount: number;

  beforeAll(async () => {
    setLogLevel('silent');
    const database = `linia_test_kb_${randomBytes(4).toString('hex')}`;
    mongoose.set('bufferTimeoutMS', SERVER_TIMEOUT_MS);
    await mongoose.connect(`${MONGODB_URI_BASE}/${database}`, { serverSelectionTimeoutMS: SERVER_TIMEOUT_MS, autoIndex: false });
    await KbArticleModel.createIndexes();
  });

  afterAll(async () => {
    await mongoose.connection.dropDatabase();
    await mongoose.disconnect();
  });

  beforeEach(async () => {
    await KbArticleModel.deleteMany({});
    workDir = await mkdtemp(path.join(tmpdir(), 'linia-kb-store-'));
    kbCopy = path.join(workDir, 'kb');
    await cp(EXAMPLES_KB, kbCopy, { recursive: true });
    const first = await importKbFolders([kbCopy]);
    exampleCount = first.inserted;
  });

  afterEach(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('inserts every example article, then skips them all', async () => {
    expect(exampleCount).toBeGreaterThanOrEqual(17);

    const second = await importKbFolders([kbCopy]);

    expect(second).toEqual({ inserted: 0, updated: 0, skipped: exampleCount, removed: 0, failed: 0, errors: [] });
    expect(await KbArticleModel.countDocuments({})).toBe(exampleCount);
  });

  it('updates only the changed file and keeps importedAt', async () => {
    const before = await KbArticleModel.findOne({ articleId: 'en/vpn-not-connecting.md' }).lean();
    await appendFile(path.join(kbCopy, 'en', 'vpn-not-connecting.md'), '\nIf the client shows error 809, restart the router.\n');
    const changedAt = new Date('2031-05-06T07:08:09Z');

    const report = await importKbFolders([kbCopy], { now: () => changedAt });

    expect(report).toMatchObject({ inserted: 0, updated: 1, skipped: exampleCount - 1, removed: 0, failed: 0 });
    const after = await KbArticleModel.findOne({ articleId: 'en/vpn-not-connecting.md' }).lean();
    expect(after?.body).toContain('error 809');
    expect(after?.contentHash).not.toBe(before?.contentHash);
    expect(after?.importedAt.getTime()).toBe(before?.importedAt.getTime());
    expect(after?.updatedAt).toEqual(changedAt);
    expect(await KbArticleModel.countDocuments({ updatedAt: changedAt })).toBe(1);
  });

  it('inserts a new file and removes a deleted one', async () => {
    await writeFile(path.join(kbCopy, 'en', 'teams-camera.md'), '---\ntitle: Camera does not work in Teams\nlanguage: en\n---\nClose other apps that use the camera.\n');
    await unlink(path.join(kbCopy, 'pl', 'wifi-w-biurze.md'));

    const report = await importKbFolders([kbCopy]);

    expect(report).toMatchObject({ inserted: 1, updated: 0, removed: 1, failed: 0 });
    const ids = (await listArticles()).map((article) => article.articleId);
    expect(ids).toContain('en/teams-camera.md');
    expect(ids).not.toContain('pl/wifi-w-biurze.md');
  });

  it('reports a broken file and keeps its last good version', async () => {
    await writeFile(path.join(kbCopy, 'pl', 'vpn-nie-laczy.md'), '---\ntitle: [broken\n---\nTekst.\n');

    const report = await importKbFolders([kbCopy]);

    expect(report.failed).toBe(1);
    expect(report.removed).toBe(0);
    expect(report.errors[0]).toMatchObject({ source: 'kb', file: 'pl/vpn-nie-laczy.md' });
    expect(report.errors[0]?.reason).toMatch(/^invalid front matter/);
    const kept = await KbArticleModel.findOne({ articleId: 'pl/vpn-nie-laczy.md' }).lean();
    expect(kept?.title).toBe('VPN nie łączy się');
  });

  it('removes nothing when the folder cannot be read', async () => {
    await rm(kbCopy, { recursive: true });

    const report = await importKbFolders([kbCopy]);

    expect(report).toMatchObject({ inserted: 0, removed: 0, failed: 1 });
    expect(report.errors[0]?.reason).toMatch(/^cannot read folder .*ENOENT/);
    expect(await KbArticleModel.countDocuments({})).toBe(exampleCount);
  });

  it('keeps equal ids of two sources apart', async () => {
    const report = await importKbFolders([{ path: kbCopy, source: 'copy' }]);

    expect(report.inserted).toBe(exampleCount);
    expect(await KbArticleModel.countDocuments({ articleId: 'en/password-reset.md' })).toBe(2);
  });

  it('loads articles with their content and dates', async () => {
    const articles = await loadArticles();

    expect(articles).toHaveLength(exampleCount);
    const reset = articles.find((article) => article.articleId === 'pl/reset-hasla.md');
    expect(reset).toMatchObject({ source: 'kb', language: 'pl', audience: 'all', title: 'Reset zapomnianego hasła' });
    expect(reset?.body).toContain('portal samoobsługowy');
    expect(reset?.importedAt).toBeInstanceOf(Date);
    expect(Object.keys(reset ?? {})).not.toContain('_id');
  });

  describe('KbIndex', () => {
    it('rebuilds only when the store changes', async () => {
      const index = new KbIndex();

      expect(await index.refresh()).toBe(true);
      expect(index.search('VPN nie łączy się')[0]?.articleId).toBe('pl/vpn-nie-laczy.md');
      expect(await index.refresh()).toBe(false);

      await writeFile(path.join(kbCopy, 'en', 'teams-camera.md'), '---\ntitle: Camera does not work in Teams\nlanguage: en\n---\nClose other apps that use the camera.\n');
      await importKbFolders([kbCopy]);

      expect(await index.refresh()).toBe(true);
      expect(index.search('Teams camera is black')[0]?.articleId).toBe('en/teams-camera.md');
    });

    it('sees a removal through the fingerprint', async () => {
      const before = await readKbFingerprint();
      await unlink(path.join(kbCopy, 'en', 'wifi-connection.md'));
      await importKbFolders([kbCopy]);

      expect(await readKbFingerprint()).not.toBe(before);
    });
  });
});
