/**
 * A start-up failure the operator can fix, told as ONE Chinese line that names
 * the fix (which variable to set, which command to run). Every entry point
 * prints `启动失败：<line>` and exits 1 instead of a stack trace.
 *
 *   throw new StartupError('APP_PORT_TAKEN', `端口 3000 已被占用……设置 PORT=…`);
 */
export type StartupProblem =
  | 'PG_PORT_TAKEN'
  | 'APP_PORT_TAKEN'
  | 'DATA_DIR_UNREACHABLE'
  | 'DATA_DIR_NOT_WRITABLE'
  | 'DISK_FULL'
  | 'PG_FAILED';

export class StartupError extends Error {
  constructor(readonly problem: StartupProblem, readonly line: string, options?: { cause?: unknown }) {
    super(line, options);
    this.name = 'StartupError';
  }
}

/** Node's ENOSPC, or a child's "No space left on device", anywhere in the error. */
export function isDiskFull(err: unknown): boolean {
  const text = err instanceof Error ? `${(err as NodeJS.ErrnoException).code ?? ''} ${err.message}` : String(err);
  return /ENOSPC|No space left on device/i.test(text);
}

export function diskFullLine(dir: string, freeMb?: number): string {
  const free = freeMb === undefined ? '' : `（只剩 ${freeMb} MB）`;
  return `磁盘空间不足${free}：${dir} 所在的磁盘已满。请清理空间后重试，或设置 DATA_DIR 到空间充足的磁盘`;
}

/**
 * The one line for anything that stopped start-up: a StartupError's own, a
 * full disk, or (unknown cause) the error's message — never `undefined`.
 */
export function startupFailureLine(err: unknown, dataDir: string): string {
  if (err instanceof StartupError) return err.line;
  if (isDiskFull(err)) return diskFullLine(dataDir);
  if (err instanceof Error) return err.message || err.name;
  return err === undefined ? '未知错误（没有错误信息），请用 LOG_LEVEL=debug 重新启动查看日志' : String(err);
}
