import path from 'node:path';

/** The knowledge base bundled with Linia. */
export const EXAMPLES_KB = path.resolve(__dirname, '..', '..', 'examples', 'kb');

/** The public test articles, when the shared data folder is present beside the repository. */
export const SHARED_KB = path.join(process.env.LINIA_DATA_DIR ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'data'), 'kb');

/** Base URI of the MongoDB-compatible server for integration tests. */
export const MONGODB_URI_BASE = process.env.MONGODB_URI_BASE ?? 'mongodb://127.0.0.1:27017';
