// Runs once before the e2e project's test files: see warmPluginCache in ./terraform.ts.
import { warmPluginCache } from './terraform';

export default warmPluginCache;
