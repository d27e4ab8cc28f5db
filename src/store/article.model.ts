import mongoose from 'mongoose';

export const KB_LANGUAGES = ['pl', 'en', 'und'] as const;
export type KbLanguage = (typeof KB_LANGUAGES)[number];

/** `agents` articles help service-desk agents and are never sent to a requester. */
export const KB_AUDIENCES = ['all', 'agents'] as const;
export type KbAudience = (typeof KB_AUDIENCES)[number];

/** An article as read from a knowledge-base folder, before the store adds its dates. */
export interface KbArticleContent {
  /** Path of the file relative to its knowledge-base folder, with `/` separators. */
  articleId: string;
  /** Label of the knowledge-base folder (its name), so two folders may share file names. */
  source: string;
  title: string;
  language: KbLanguage;
  tags: string[];
  audience: KbAudience;
  synonyms: string[];
  /** Markdown text after the front matter. */
  body: string;
  /** Hex SHA-256 of the file's bytes; an import skips files whose hash is unchanged. */
  contentHash: string;
}

/** An article as stored: its content plus when it was first imported and last changed. */
export interface KbArticle extends KbArticleContent {
  importedAt: Date;
  updatedAt: Date;
}

const articleSchema = new mongoose.Schema(
  {
    articleId: { type: String, required: true },
    source: { type: String, required: true },
    title: { type: String, required: true },
    language: { type: String, enum: KB_LANGUAGES, required: true },
    tags: { type: [String], default: [] },
    audience: { type: String, enum: KB_AUDIENCES, required: true, default: 'all' },
    synonyms: { type: [String], default: [] },
    body: { type: String, required: true, default: '' },
    contentHash: { type: String, required: true },
    importedAt: { type: Date, required: true },
    /** Set by the importer when the content changes, which mongoose timestamps cannot tell from any other update. */
    updatedAt: { type: Date, required: true },
  },
  { collection: 'kb_articles', versionKey: false },
);

// One document per file of each folder; a re-import finds its document by this key.
articleSchema.index({ source: 1, articleId: 1 }, { unique: true });
// The index fingerprint reads the latest change.
articleSchema.index({ updatedAt: -1 });

export const KbArticleModel = mongoose.model('KbArticle', articleSchema);
