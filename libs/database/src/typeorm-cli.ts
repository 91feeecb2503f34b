// Entry point for the TypeORM CLI (`npx typeorm -d dist/libs/database/src/typeorm-cli.js migration:show`).
import { baseEnvSchema, loadConfig } from '@forewarn/config';
import { createDataSource } from './data-source';

export default createDataSource(loadConfig(baseEnvSchema, process.env, { needsSecret: false }).DATABASE_URL);
