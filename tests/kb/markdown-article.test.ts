import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadKbFolder, loadKbFolders } from '../../src/kb/markdown-article.js';
import { EXAMPLES_KB } from './kb-paths.js';

describe('loadKbFolder', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'linia-kb-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function write(relative: string, content: string | Buffer): Promise<void> {
    await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
    await writeFile(path.join(root, relative), content);
  }

  it('reads nested folders with slash ids and the folder name as source', async () => {
    await write('a.md', '---\ntitle: First\nlanguage: en\n---\nBody of the first article.\n');
    await write('sub/deeper/b.md', '---\ntitle: Drugi\nlanguage: pl\n---\nTreść drugiego artykułu.\n');

    const result = await loadKbFolder(root);

    expect(result.errors).toEqual([]);
    expect(result.articles.map((article) => article.articleId)).toEqual(['a.md', 'sub/deeper/b.md']);
    expect(result.articles.every((article) => article.source === path.basename(root))).toBe(true);
  });

  it('hashes the file bytes with SHA-256', async () => {
    const content = '---\ntitle: Hashed\nlanguage: en\n---\nSome text.\n';
    await write('hashed.md', content);

    const [article] = (await loadKbFolder(root)).articles;

    expect(article?.contentHash).toBe(createHash('sha256').update(content).digest('hex'));
  });

  it('reads tags, synonyms and audience', async () => {
    await write('agents.md', '---\ntitle: Internal\nlanguage: en\naudience: agents\ntags: [vpn, remote]\nsynonyms: remote access\n---\nText.\n');

    const [article] = (await loadKbFolder(root)).articles;

    expect(article).toMatchObject({ audience: 'agents', tags: ['vpn', 'remote'], synonyms: ['remote access'], body: 'Text.' });
  });

  it('takes the title from the first heading, then the file name', async () => {
    await write('with-heading.md', 'Intro line.\n\n# Printer is offline\n\nSteps follow.\n');
    await write('no-heading_here.md', 'Just some text about printers and paper.\n');

    const titles = (await loadKbFolder(root)).articles.map((article) => article.title);

    expect(titles).toEqual(['no heading here', 'Printer is offline']);
  });

  it('detects the language when front matter has none', async () => {
    await write('pl.md', '# Drukarka nie drukuje\n\nSprawdź, czy drukarka jest włączona i czy ma papier.\n');
    await write('en.md', '# Printer does not print\n\nCheck that the printer is on and that it has paper.\n');

    const languages = Object.fromEntries((await loadKbFolder(root)).articles.map((article) => [article.articleId, article.language]));

    expect(languages).toEqual({ 'en.md': 'en', 'pl.md': 'pl' });
  });

  it('uses an injected language detector', async () => {
    await write('x.md', '# Something\n\nText.\n');

    const [article] = (await loadKbFolder(root, { detectLanguage: () => ({ language: 'pl', confidence: 1 }) })).articles;

    expect(article?.language).toBe('pl');
  });

  it('skips README, MANIFEST and hidden files', async () => {
    await write('README.md', '# Readme\n\nAbout this folder.\n');
    await write('MANIFEST.jsonl', '{"file":"a.md"}\n');
    await write('.hidden/secret.md', '# Hidden\n\nText.\n');
    await write('notes.txt', 'Not Markdown.\n');
    await write('real.md', '# Real\n\nText.\n');

    const result = await loadKbFolder(root);

    expect(result.articles.map((article) => article.articleId)).toEqual(['real.md']);
    expect(result.errors).toEqual([]);
  });

  it('reports bad files and keeps the good ones', async () => {
    await write('good.md', '---\ntitle: Good\nlanguage: en\n---\nText.\n');
    await write('broken-yaml.md', '---\ntitle: [unclosed\n---\nText.\n');
    await write('bad-language.md', '---\nlanguage: de\n---\nText.\n');
    await write('bad-audience.md', '---\naudience: agent\n---\nText.\n');
    await write('bad-tags.md', '---\ntags: {a: 1}\n---\nText.\n');
    await write('empty.md', '---\ntitle: Empty\n---\n\n');
    await write('latin2.md', Buffer.from([0x23, 0x20, 0xb1, 0x0a]));
    await write('script.md', '---js\n{ title: "x" }\n---\nText.\n');

    const result = await loadKbFolder(root);

    expect(result.articles.map((article) => article.articleId)).toEqual(['good.md']);
    const reasons = Object.fromEntries(result.errors.map((error) => [error.file, error.reason]));
    expect(reasons['broken-yaml.md']).toMatch(/^invalid front matter/);
    expect(reasons['bad-language.md']).toBe('front matter field "language" is "de", expected one of: pl, en');
    expect(reasons['bad-audience.md']).toBe('front matter field "audience" is "agent", expected one of: all, agents');
    expect(reasons['bad-tags.md']).toMatch(/"tags" must be a list/);
    expect(reasons['empty.md']).toBe('article has no text after the front matter');
    expect(reasons['latin2.md']).toBe('file is not valid UTF-8 text');
    expect(reasons['script.md']).toBe('front matter in JavaScript is not accepted, use YAML');
  });

  it('reports a missing folder instead of throwing', async () => {
    const missing = path.join(root, 'does-not-exist');

    const result = await loadKbFolder(missing);

    expect(result.articles).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.file).toBe('');
    expect(result.errors[0]?.reason).toMatch(/^cannot read folder .*ENOENT/);
  });
});

describe('loadKbFolders', () => {
  it('rejects two folders with the same label', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'linia-kb-'));
    try {
      await mkdir(path.join(root, 'one', 'kb'), { recursive: true });
      await mkdir(path.join(root, 'two', 'kb'), { recursive: true });
      await writeFile(path.join(root, 'one', 'kb', 'a.md'), '# A\n\nText.\n');
      await writeFile(path.join(root, 'two', 'kb', 'b.md'), '# B\n\nText.\n');

      const clash = await loadKbFolders([path.join(root, 'one', 'kb'), path.join(root, 'two', 'kb')]);
      const labelled = await loadKbFolders([path.join(root, 'one', 'kb'), { path: path.join(root, 'two', 'kb'), source: 'second' }]);

      expect(clash.articles.map((article) => article.articleId)).toEqual(['a.md']);
      expect(clash.errors[0]?.reason).toMatch(/same label/);
      expect(labelled.errors).toEqual([]);
      expect(labelled.articles.map((article) => `${article.source}/${article.articleId}`)).toEqual(['kb/a.md', 'second/b.md']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('bundled example knowledge base', () => {
  it('loads every article without errors', async () => {
    const result = await loadKbFolder(EXAMPLES_KB);

    expect(result.errors).toEqual([]);
    const byLanguage = (language: string) => result.articles.filter((article) => article.language === language).length;
    expect(byLanguage('en')).toBeGreaterThanOrEqual(8);
    expect(byLanguage('pl')).toBeGreaterThanOrEqual(8);
    expect(result.articles.filter((article) => article.audience === 'agents').map((article) => article.articleId)).toEqual([
      'en/agents/account-unlock-procedure.md',
    ]);
  });

  it('writes Polish articles with diacritics', async () => {
    const polish = (await loadKbFolder(EXAMPLES_KB)).articles.filter((article) => article.language === 'pl');

    for (const article of polish) {
      expect(article.body).toMatch(/[ąćęłńóśźż]/);
    }
    const raw = await readFile(path.join(EXAMPLES_KB, 'pl', 'reset-hasla.md'), 'utf8');
    expect(raw).toContain('hasła');
  });
});
