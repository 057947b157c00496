/** A user-facing CLI error: printed as one line, no stack trace, exit code 1 (2 for usage). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** A usage error (bad option, missing argument): exit code 2. */
export function usageError(message: string, command?: string): CliError {
  return new CliError(`${message} (see 'convnet ${command ? `${command} ` : ''}--help')`, 2);
}
