// Replica set upkeep beside one member (mongosh --nodb): every 10 s, as root on this pod's mongod,
//  - set not initiated and this is member 0: rs.initiate with member 0 alone. It holds the users its first start
//    created; the others are added below and replace their own data by an initial sync from it;
//  - this member is the primary: add the first configured member (<sts>-N.<headless>:27017, N < REPLICA_COUNT) that
//    answers a ping but is missing from rs.conf() (one per round: MongoDB adds one voting member per reconfig).
// It never removes members: before scaling down, rs.remove() them (docs/deploy.md, MongoDB replica set).
const fs = require('fs');

const podName = process.env.POD_NAME;
const ordinal = Number(podName.match(/-(\d+)$/)[1]);
const statefulSet = podName.replace(/-\d+$/, '');
const setName = process.env.REPLICA_SET_NAME;
const wanted = [...Array(Number(process.env.REPLICA_COUNT)).keys()]
  .map(i => `${statefulSet}-${i}.${process.env.HEADLESS_SERVICE}:27017`);
const heartbeat = '/tmp/replicaset-init.heartbeat';
const timeouts = 'serverSelectionTimeoutMS=5000&connectTimeoutMS=5000';

function secret(key) {
  return encodeURIComponent(fs.readFileSync(`/etc/mongo-secret/${key}`, 'utf8').trim());
}

function answers(host) {
  try {
    const conn = new Mongo(`mongodb://${host}/?directConnection=true&${timeouts}`);
    try {
      return conn.getDB('admin').runCommand({ping: 1}).ok === 1;
    } finally {
      conn.close();
    }
  } catch (e) {
    return false;
  }
}

// One round; returns what it did or why it waits (logged when it changes).
function round() {
  const conn = new Mongo(`mongodb://${secret('mongodb-root-username')}:${secret('mongodb-root-password')}` +
    `@127.0.0.1:27017/admin?directConnection=true&authSource=admin&${timeouts}`);
  try {
    const admin = conn.getDB('admin');
    const status = admin.runCommand({replSetGetStatus: 1});
    if (status.ok !== 1) {
      // 94 NotYetInitialized; anything else (e.g. 76 NoReplicationEnabled while the image's entrypoint runs its
      // temporary standalone mongod) means: not now.
      if (status.codeName !== 'NotYetInitialized') {
        return `waiting: ${status.codeName}`;
      }
      if (ordinal !== 0) {
        return 'waiting for the primary to add this member';
      }
      const initiated = admin.runCommand({replSetInitiate: {_id: setName, members: [{_id: 0, host: wanted[0]}]}});
      return initiated.ok === 1 ? `initiated ${setName} with ${wanted[0]}` : `initiate failed: ${initiated.errmsg}`;
    }
    if (!status.members.some(m => m.self && m.stateStr === 'PRIMARY')) {
      return 'secondary: the primary maintains the configuration';
    }
    const config = admin.runCommand({replSetGetConfig: 1}).config;
    const configured = new Set(config.members.map(m => m.host));
    const missing = wanted.filter(h => !configured.has(h));
    const next = missing.find(answers);
    if (next === undefined) {
      return missing.length === 0 ? `primary: all ${wanted.length} members configured`
        : `primary: waiting for ${missing.join(', ')} to answer`;
    }
    config.version += 1;
    config.members.push({_id: Math.max(...config.members.map(m => m._id)) + 1, host: next});
    const added = admin.runCommand({replSetReconfig: config});
    return added.ok === 1 ? `added ${next}` : `adding ${next} failed: ${added.errmsg}`;
  } finally {
    conn.close();
  }
}

let last = '';
for (;;) {
  let outcome;
  try {
    outcome = round();
  } catch (e) {
    outcome = `waiting: ${e.message}`;
  }
  if (outcome !== last) {
    print(`${new Date().toISOString()} ${outcome}`);
    last = outcome;
  }
  fs.writeFileSync(heartbeat, outcome);
  sleep(10000);
}
