// Types of web_build.mjs for the tests that build with the web options.
import type { BuildOptions } from 'esbuild';

export function webOptions(root: string, role: 'extension' | 'worker', define: Record<string, string>): BuildOptions;
export function webBuilds(root: string, define: Record<string, string>): BuildOptions[];
