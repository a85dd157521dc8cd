import type { CliIo } from './io';
import { dirname, isAbsolute, relative, resolve } from '../core/paths';

/**
 * The folder that `github` annotations and SARIF locations are relative to. GitHub resolves both from the
 * repository root, not from the folder proxylint ran in (`cd sub && proxylint .. -f github` must say
 * `file=sub/app.conf`, not `file=app.conf`): $GITHUB_WORKSPACE on a runner, else the nearest folder above the
 * working directory that holds `.git` (a folder, or a file in a worktree or submodule), else the working directory.
 */
export function reportRoot(io: Pick<CliIo, 'cwd' | 'env' | 'findUp'>): string {
  const workspace = io.env('GITHUB_WORKSPACE');
  if (workspace) return resolve(io.cwd, workspace);
  const git = io.findUp(io.cwd, '.git');
  return git ? dirname(git) : io.cwd;
}

/** `p` relative to `root`, or undefined when it lies outside it (then only an absolute path names it). */
export function underRoot(root: string, p: string): string | undefined {
  const r = relative(root, p);
  return r === '..' || r.startsWith('../') || isAbsolute(r) ? undefined : r;
}
