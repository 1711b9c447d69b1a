import pino, { type Logger } from 'pino';
import type { Config } from './config.ts';

export type { Logger };

/**
 * JSON logs in production; one readable line per entry otherwise. `npm start` prefixes each
 * process's lines with its name, so the name is not repeated here.
 */
export function createLogger(config: Pick<Config, 'LOG_LEVEL' | 'NODE_ENV'>, name: string): Logger {
  return pino({
    name,
    level: config.LOG_LEVEL,
    ...(config.NODE_ENV === 'production'
      ? {}
      : {
          transport: {
            target: 'pino-pretty',
            options: {
              colorize: process.stdout.isTTY || Boolean(process.env.FORCE_COLOR),
              ignore: 'pid,hostname,name',
              translateTime: 'HH:MM:ss.l',
              singleLine: true,
            },
          },
        }),
  });
}
