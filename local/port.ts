/** The local server's port: the PORT setting, checked, and a listen that says what to do when it fails. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on `port` (0: any free one); a port taken or not allowed fails with what to do about it. */
export function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const instead = 'start on another port, e.g. PORT=3001 npm start (PORT=0: any free port)';
      if (error.code === 'EADDRINUSE')
        reject(
          new Error(`port ${port} is already in use (another npm start?): stop what listens there, or ${instead}`),
        );
      else if (error.code === 'EACCES') reject(new Error(`port ${port} is not open to this user: ${instead}`));
      else reject(error);
    });
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** `PORT`: a whole number from 0 to 65535. */
export function portSetting(value: string | undefined): number {
  if (value === undefined || value === '') return 3000;
  const port = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(port <= 65_535))
    throw new Error(`PORT must be a whole number from 0 to 65535 (0: any free port), not '${value}'`);
  return port;
}
