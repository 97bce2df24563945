/** Lambda entry: the platform API on AWS's clients and the environment's config (read at cold start). */
import { awsRuntime } from '../commons/runtime.js';
import { composePlatformApi } from './compose.js';
import { platformApiConfig } from './config.js';

export const handler = composePlatformApi(awsRuntime('platform-api'), platformApiConfig());
