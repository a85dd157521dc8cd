import type { CliIo } from './io';
import { dirname, isAbsolute, relative, resolve } from '../core/paths';

/**
 * The folder that `github` annotations and SARIF locations are relative to. GitHub resolves both from the
 * repository root, not from the folder proxylint ran in (`cd sub && proxylint .. -f github` must say
 * `file=sub/app.conf`, not `file=app.conf`), and so does GitLab for a Code Quality report: $GITHUB_WORKSPACE on a
 * GitHub runner, $CI_PROJECT_DIR on a GitLab one (where the repository is cloned), else the nearest folder above the
 * working directory that holds `.git` (a folder, or a file in a worktree or submodule), else the working directory.
 * The workspace is taken by its real path: the files are (the working directory is a real path), so a workspace
 * reached through a symbolic link would otherwise hold none of them and every path would come out absolute.
 */
export function reportRoot(io: Pick<CliIo, 'cwd' | 'env' | 'findUp' | 'realpath'>): string {
  const workspace = io.env('GITHUB_WORKSPACE') || io.env('CI_PROJECT_DIR');
  if (workspace) return io.realpath(resolve(io.cwd, workspace));
  const git = io.findUp(io.cwd, '.git');
  return git ? dirname(git) : io.cwd;
}

/**
 * `p` relative to `root`, or undefined when it lies outside it (then only an absolute path names it). With
 * `realpath`, by its real path when that lies inside the root: GitHub cannot show a result on a file that is a
 * symbolic link in the repository (sites-enabled/app.conf -> ../sites-available/app.conf), and a path given through
 * a symbolic link to the root (the root is a real path) is relative too. A link that leads out of the root keeps
 * its own path inside it.
 */
export function underRoot(root: string, p: string, realpath?: (p: string) => string): string | undefined {
  const inside = (q: string) => {
    const r = relative(root, q);
    return r === '..' || r.startsWith('../') || isAbsolute(r) ? undefined : r;
  };
  return (realpath ? inside(realpath(p)) : undefined) ?? inside(p);
}
