import dgram from 'node:dgram';
import net from 'node:net';
import type { Logger } from '../../platform/logger.ts';
import { SipStreamFramer } from './stream.ts';

/**
 * What the transaction layer sends messages through (RFC 3261 §18): UDP datagrams, or TCP with
 * a listening server for inbound connections and one connection per destination reused for
 * everything sent there. Connections are known by the remote address and port, so a response
 * addressed to where a request came from goes back over that request's connection (§18.2.2).
 */
export interface Peer {
  address: string;
  port: number;
}
export type SipTransportProtocol = 'udp' | 'tcp';

export interface Wire {
  readonly protocol: SipTransportProtocol;
  /** Reliable transports need no retransmissions (§17.1.1.2, §17.2.1). */
  readonly reliable: boolean;
  readonly local: Peer;
  /** A message received; `oversized`: only its start, larger than the limit (the connection closes after the handler has run). */
  onMessage: (data: Buffer, from: Peer, oversized: boolean) => void;
  send(bytes: Buffer, to: Peer): void;
  close(): Promise<void>;
}

const key = (p: Peer) => `${p.address}:${p.port}`;

export function openWire(protocol: SipTransportProtocol, address: string, port: number, maxBytes: number, log: Logger): Promise<Wire> {
  return protocol === 'tcp' ? TcpWire.listen(address, port, maxBytes, log) : UdpWire.bind(address, port, log);
}

class UdpWire implements Wire {
  readonly protocol = 'udp';
  readonly reliable = false;
  onMessage: Wire['onMessage'] = () => {};

  private constructor(
    private readonly socket: dgram.Socket,
    readonly local: Peer,
  ) {
    socket.on('message', (data, rinfo) => this.onMessage(data, { address: rinfo.address, port: rinfo.port }, false));
  }

  static bind(address: string, port: number, log: Logger): Promise<UdpWire> {
    const socket = dgram.createSocket('udp4');
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, address, () => {
        socket.off('error', reject);
        socket.on('error', (err) => log.error({ err }, 'SIP socket error'));
        resolve(new UdpWire(socket, { address, port: socket.address().port }));
      });
    });
  }

  send(bytes: Buffer, to: Peer): void {
    this.socket.send(bytes, to.port, to.address);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

class TcpWire implements Wire {
  readonly protocol = 'tcp';
  readonly reliable = true;
  onMessage: Wire['onMessage'] = () => {};
  private readonly connections = new Map<string, net.Socket>();

  private constructor(
    private readonly server: net.Server,
    readonly local: Peer,
    private readonly maxBytes: number,
    private readonly log: Logger,
  ) {
    server.on('connection', (socket) =>
      this.adopt(socket, { address: socket.remoteAddress!.replace(/^::ffff:/, ''), port: socket.remotePort! }),
    );
    server.on('error', (err) => log.error({ err }, 'SIP TCP server error'));
  }

  static listen(address: string, port: number, maxBytes: number, log: Logger): Promise<TcpWire> {
    const server = net.createServer();
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, address, () => {
        server.off('error', reject);
        resolve(new TcpWire(server, { address, port: (server.address() as net.AddressInfo).port }, maxBytes, log));
      });
    });
  }

  send(bytes: Buffer, to: Peer): void {
    let socket = this.connections.get(key(to));
    if (!socket) {
      socket = net.connect({ host: to.address, port: to.port, localAddress: this.local.address });
      this.adopt(socket, to);
    }
    socket.write(bytes); // buffered by Node until the connection is up
  }

  close(): Promise<void> {
    for (const socket of this.connections.values()) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private adopt(socket: net.Socket, peer: Peer): void {
    const k = key(peer);
    this.connections.set(k, socket);
    const framer = new SipStreamFramer(this.maxBytes);
    socket.on('data', (chunk) => {
      for (const f of framer.push(chunk)) {
        if ('message' in f) this.onMessage(f.message, peer, false);
        else {
          this.onMessage(f.oversized, peer, true);
          socket.end(); // after the 513 written by the handler
        }
      }
    });
    socket.on('error', (err) => this.log.warn({ err, peer }, 'SIP TCP connection error'));
    socket.on('close', () => {
      if (this.connections.get(k) === socket) this.connections.delete(k);
    });
  }
}
