import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import net from 'node:net';

// Servers of our own bind port 0 and say which port they got. Programs that must be given a number
// (PostgreSQL, the Temporal dev server, SIPp, `npm start`) get one found free here, which someone
// else may bind before they do. The likeliest someone is the kernel: it gives outgoing connections
// (the suite opens thousands) ports from the same ephemeral range listen(0) picks from. So these
// ports come from below that range, and starts go through `retryOnPortTaken`.
const low = 10_000;
const high = (() => {
  // the lowest ephemeral port; Linux's default where it cannot be read
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  } catch {
    return 32_768;
  }
})();

function bindable(port: number, address: string, protocol: 'tcp' | 'udp'): Promise<boolean> {
  return new Promise((resolve) => {
    if (protocol === 'tcp') {
      const server = net.createServer();
      server.unref();
      server.once('error', () => resolve(false));
      server.listen(port, address, () => server.close(() => resolve(true)));
    } else {
      const socket = dgram.createSocket('udp4');
      socket.once('error', () => {
        socket.close();
        resolve(false);
      });
      socket.bind(port, address, () => socket.close(() => resolve(true)));
    }
  });
}

/** A port that was free a moment ago on `address`, for a program that must be told which port to bind. */
export async function freePort({
  address = '127.0.0.1',
  protocol = 'tcp',
}: { address?: string; protocol?: 'tcp' | 'udp' } = {}): Promise<number> {
  for (;;) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (await bindable(port, address, protocol)) return port;
  }
}

/** How a start that lost its port to someone else fails: Node's error, or our servers' start-up messages. */
export const portTaken = /EADDRINUSE|address already in use|is port .* taken\?/i;

/** Starts something on `count` free ports; when one was taken meanwhile, again on new ones. */
export async function retryOnPortTaken<T>(count: number, start: (ports: number[]) => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
    try {
      return await start(ports);
    } catch (err) {
      if (attempt >= attempts || !portTaken.test(String(err))) throw err;
    }
  }
}
