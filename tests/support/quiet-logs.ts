// Tests log nothing unless LINIA_TEST_LOG_LEVEL sets a level (e.g. LINIA_TEST_LOG_LEVEL=info npx jest tests/e2e).
import { createLogger, setRootLogger } from '../../src/logging/logger.js';

setRootLogger(createLogger(process.env.LINIA_TEST_LOG_LEVEL ?? 'silent'));
