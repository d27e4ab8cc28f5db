import path from 'node:path';
import type { Command } from 'commander';
import { loadProcessConfig, message, type CliLanguage } from '../config/index.js';
import { KbIndex } from '../kb/kb-index.js';
import { importKbFolders, listArticles } from '../kb/kb-store.js';
import { DEFAULT_CONFIDENCE_THRESHOLD } from '../kb/matcher.js';
import { KbArticleModel } from '../store/article.model.js';
import { connectStore, disconnectStore } from '../store/connection.js';
import { registerKbEvalCommand } from './kb-eval-command.js';
import { registerKbStatsCommand } from './kb-stats-command.js';

async function withStore<T>(work: () => Promise<T>): Promise<T> {
  const config = loadProcessConfig();
  await connectStore(config.env.MONGODB_URI);
  try {
    return await work();
  } finally {
    await disconnectStore();
  }
}

/** Adds `linia kb import|list|show|search|eval|stats`. */
export function registerKbCommands(program: Command, language: CliLanguage, onError: (error: unknown) => void): void {
  const kb = program.command('kb').description('manage the knowledge base of first-line answers');

  kb.command('import')
    .argument('[dirs...]', 'folders of Markdown articles (default: kb.folders of the policy file)')
    .description('import or update articles; unchanged files are skipped, deleted ones removed')
    .action(async (dirs: string[]) => {
      try {
        const config = loadProcessConfig();
        const folders = dirs.length > 0 ? dirs.map((dir) => path.resolve(dir)) : config.policy.kb.folders.map((dir) => path.resolve(config.policyDir, dir));
        if (folders.length === 0) {
          throw new Error('no folder given and the policy file lists no kb.folders');
        }
        const report = await withStore(() => importKbFolders(folders));
        process.stdout.write(
          `${message('kbImported', language)}: +${report.inserted} ~${report.updated} =${report.skipped} -${report.removed} !${report.failed}\n`,
        );
        for (const error of report.errors) {
          process.stderr.write(`  ${error.source}/${error.file}: ${error.reason}\n`);
        }
        if (report.failed > 0) {
          process.exitCode = 1;
        }
      } catch (error) {
        onError(error);
      }
    });

  kb.command('list')
    .description('list stored articles')
    .option('--json', 'one JSON object per article')
    .action(async (options: { json?: boolean }) => {
      try {
        const articles = await withStore(() => listArticles());
        for (const article of articles) {
          process.stdout.write(
            options.json
              ? `${JSON.stringify(article)}\n`
              : `${article.source}/${article.articleId}  [${article.language}${article.audience === 'agents' ? ', agents' : ''}]  ${article.title}\n`,
          );
        }
      } catch (error) {
        onError(error);
      }
    });

  kb.command('show')
    .argument('<id>', 'article id, optionally prefixed with its source: SOURCE/ID')
    .description('print one article')
    .action(async (id: string) => {
      try {
        const article = await withStore(async () => {
          const direct = await KbArticleModel.findOne({ articleId: id }).lean();
          if (direct) return direct;
          const slash = id.indexOf('/');
          return slash > 0 ? KbArticleModel.findOne({ source: id.slice(0, slash), articleId: id.slice(slash + 1) }).lean() : null;
        });
        if (!article) {
          throw new Error(`article ${id} not found; run "linia kb list" to see the ids`);
        }
        process.stdout.write(`# ${article.title}\n(${article.source}/${article.articleId}, ${article.language}, tags: ${article.tags.join(', ')})\n\n${article.body}\n`);
      } catch (error) {
        onError(error);
      }
    });

  kb.command('search')
    .argument('<query...>', 'question as a requester would write it')
    .option('--language <code>', 'language of the question: pl or en (guessed when omitted)')
    .option('--limit <n>', 'number of results', '5')
    .option('--json', 'print the matches as JSON')
    .description('rank articles for a question and show each one\'s confidence')
    .action(async (words: string[], options: { language?: string; limit: string; json?: boolean }) => {
      try {
        const config = loadProcessConfig();
        const threshold = config.policy.kb.confidenceThreshold ?? DEFAULT_CONFIDENCE_THRESHOLD;
        const matches = await withStore(async () => {
          const index = new KbIndex();
          await index.refresh();
          return index.search(words.join(' '), { language: options.language, limit: Number(options.limit) || 5 });
        });
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ threshold, matches })}\n`);
          return;
        }
        for (const match of matches) {
          const mark = match.confidence >= threshold ? '✓' : ' ';
          process.stdout.write(
            `${mark} ${match.confidence.toFixed(2)}  ${match.source}/${match.articleId}  ${match.title}  [${match.matchedTerms.join(', ')}]\n`,
          );
        }
      } catch (error) {
        onError(error);
      }
    });

  registerKbEvalCommand(kb, language, onError);
  registerKbStatsCommand(kb, language, onError);
}
