import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { WORKER_NAMES } from '../../src/cli/run-workers';

interface ComposeService {
  image?: string;
  command?: string[];
  ports?: string[];
  environment?: Record<string, string>;
}

const ROOT = path.resolve(__dirname, '..', '..');
const compose = YAML.parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};

describe('docker-compose.yml', () => {
  const services = Object.entries(compose.services);

  it('publishes every port on 127.0.0.1 only', () => {
    const ports = services.flatMap(([, service]) => service.ports ?? []);
    expect(ports.length).toBeGreaterThan(0);
    for (const port of ports) {
      expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    }
  });

  it('runs each Linia worker in its own container', () => {
    const workers = services
      .map(([, service]) => service.command ?? [])
      .filter((command) => command[1] === 'bin/linia.js' && command[2] === 'worker')
      .map((command) => command[3]);
    expect([...workers].sort()).toEqual([...WORKER_NAMES].sort());
  });

  it('keeps Redis data on disk and never evicts job keys', () => {
    const command = compose.services.redis?.command ?? [];
    expect(command).toEqual(expect.arrayContaining(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']));
  });

  it('points every Linia container at the compose MongoDB and Redis', () => {
    for (const [name, service] of services) {
      if (!(service.command ?? []).includes('bin/linia.js')) continue;
      expect({ name, uri: service.environment?.MONGODB_URI }).toEqual({ name, uri: 'mongodb://mongodb:27017/linia?replicaSet=rs0' });
      expect({ name, url: service.environment?.REDIS_URL }).toEqual({ name, url: 'redis://redis:6379' });
    }
  });
});
