import type { CliIo } from './io';
import { dirname, isAbsolute, relative, resolve } from '../core/paths';

/**
 * The folder that `github` annotations and SARIF locations are relative to. GitHub resolves both from the
 * repository root, not from the folder proxylint ran in (`cd sub && proxylint .. -f github` must say
 * `file=sub/app.conf`, not `file=app.conf`): $GITHUB_WORKSPACE on a runner, else the nearest folder above the
 * working directory that holds `.git` (a folder, or a file in a worktree or submodule), else the working directory.
 * The workspace is taken by its real path: the files are (the working directory is a real path), so a workspace
 * reached through a symbolic link would otherwise hold none of them and every path would come out absolute.
 */
export function reportRoot(io: Pick<CliIo, 'cwd' | 'env' | 'findUp' | 'realpath'>): string {
  const workspace = io.env('GITHUB_WORKSPACE');
  if (workspace) return io.realpath(resolve(io.cwd, workspace));
  const git = io.findUp(io.cwd, '.git');
  return git ? dirname(git) : io.cwd;
}

/**
 * `p` relative to `root`, or undefined when it lies outside it (then only an absolute path names it). With
 * `realpath`, a path given through a symbolic link into the root (the root is a real path) is relative too.
 */
export function underRoot(root: string, p: string, realpath?: (p: string) => string): string | undefined {
  const inside = (q: string) => {
    const r = relative(root, q);
    return r === '..' || r.startsWith('../') || isAbsolute(r) ? undefined : r;
  };
  return inside(p) ?? (realpath ? inside(realpath(p)) : undefined);
}
