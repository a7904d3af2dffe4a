/**
 * A no-op gRPC server for the `floors` bench: answers objectbox.testing.v1.EchoService/Echo (unary)
 * and /Chat (one message per message on a bidi stream) with the request's message, on the port
 * given as argv[2], until SIGTERM. It measures what grpc-js costs on this machine, with nothing behind it.
 */
import { GrpcServer } from '@objectbox/networking';
import { testingEcho } from '@objectbox/proto';

const port = Number(process.argv[2]);
const server = new GrpcServer({ messageBytesMax: 4 * 1024 * 1024 });
server.addService(testingEcho.EchoService, {
  echo: async (request) => ({ message: request.message }),
  append: async () => ({ count: 0 }),
  echoMany: async function* () {},
  join: async () => ({ message: '' }),
  chat: async function* (requests) {
    for await (const request of requests) yield { message: request.message };
  },
});
await server.listen('127.0.0.1', port);
process.stdout.write('listening\n');
process.once('SIGTERM', () => void server.shutdown(100).then(() => process.exit(0)));
