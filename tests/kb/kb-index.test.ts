import { KbIndex } from '../../src/kb/kb-index.js';
import { setLogLevel } from '../../src/logging/logger.js';
import type { KbArticle } from '../../src/store/article.model.js';

function article(articleId: string, title: string, body: string): KbArticle {
  const at = new Date('2030-01-01T00:00:00Z');
  return { articleId, source: 'test', title, language: 'en', tags: [], audience: 'all', synonyms: [], body, contentHash: articleId, importedAt: at, updatedAt: at };
}

describe('KbIndex', () => {
  beforeAll(() => {
    setLogLevel('silent');
  });

  it('finds nothing before the first refresh', () => {
    const index = new KbIndex({ loadArticles: async () => [], readFingerprint: async () => '0:0' });

    expect(index.search('printer')).toEqual([]);
    expect(index.matcher.size).toBe(0);
  });

  it('loads articles once per fingerprint', async () => {
    let fingerprint = '1:100';
    let loads = 0;
    let articles = [article('printer.md', 'Printer offline', 'Turn the printer on.')];
    const index = new KbIndex({
      readFingerprint: async () => fingerprint,
      loadArticles: async () => {
        loads++;
        return articles;
      },
    });

    expect(await index.refresh()).toBe(true);
    expect(await index.refresh()).toBe(false);
    expect(loads).toBe(1);

    articles = [...articles, article('vpn.md', 'VPN does not connect', 'Restart the VPN client.')];
    fingerprint = '2:200';

    expect(await index.refresh()).toBe(true);
    expect(loads).toBe(2);
    expect(index.search('vpn client')[0]?.articleId).toBe('vpn.md');
  });

  it('shares one refresh between concurrent callers', async () => {
    let loads = 0;
    const index = new KbIndex({
      readFingerprint: async () => '1:1',
      loadArticles: async () => {
        loads++;
        return [article('a.md', 'Printer offline', 'Text.')];
      },
    });

    const results = await Promise.all([index.refresh(), index.refresh(), index.refresh()]);

    expect(results).toEqual([true, true, true]);
    expect(loads).toBe(1);
  });

  it('keeps the previous matcher when loading fails', async () => {
    let failing = false;
    let fingerprint = '1:1';
    const index = new KbIndex({
      readFingerprint: async () => fingerprint,
      loadArticles: async () => {
        if (failing) {
          throw new Error('store unavailable');
        }
        return [article('a.md', 'Printer offline', 'Turn the printer on.')];
      },
    });
    await index.refresh();
    failing = true;
    fingerprint = '2:2';

    await expect(index.refresh()).rejects.toThrow('store unavailable');

    expect(index.search('printer offline')[0]?.articleId).toBe('a.md');
    failing = false;
    expect(await index.refresh()).toBe(true);
  });
});
