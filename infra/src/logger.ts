import { pino, type DestinationStream, type Logger as PinoLogger } from "pino";

/** A pino logger. Child loggers are bound with `goalId`, `subtaskId`, `agent`, `traceId`. */
export type Logger = PinoLogger;

/** Options of {@link createLogger}. */
export type CreateLoggerOptions = {
  /** The service name, bound as `service` on every line. */
  service: string;
  instance?: string;
  /** Default `info`. */
  level?: string;
  /** Where lines go; default stdout. Tests pass a stream to parse lines. */
  destination?: DestinationStream;
};

/** One JSON line per event, with dotted event names in `event` (`subtask.dispatched`). */
export function createLogger(opts: CreateLoggerOptions): Logger {
  return pino(
    {
      level: opts.level ?? "info",
      base: { service: opts.service, instance: opts.instance, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    opts.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
