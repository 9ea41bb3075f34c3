import net from 'node:net';
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';

/** The first byte of every TLS connection: a handshake record. */
const TLS_HANDSHAKE = 0x16;

/**
 * One port, two protocols: a connection whose first byte opens a TLS handshake goes
 * to the HTTPS server, any other to the plain HTTP server. etcd's gateway answers
 * plain HTTP on its client port as etcd does, while the Kubernetes API (which
 * carries bearer tokens) is served over TLS only.
 */
export function dualProtocolServer(http: HttpServer, https: HttpsServer): net.Server {
  const sockets = new Set<net.Socket>();
  const front = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.once('data', (chunk: Buffer) => {
      socket.pause();
      socket.unshift(chunk);
      (chunk[0] === TLS_HANDSHAKE ? https : http).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });
  front.on('close', () => {
    for (const socket of sockets) socket.destroy();
  });
  return front;
}
