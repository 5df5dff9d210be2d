// Initiates the compose replica set rs0 once (compose.replicaset.yaml's mongo-rs-init runs it with mongosh --nodb
// after the members' health checks pass), then waits for a primary so the app starts against a writable set.
// Idempotent: an initiated set is left as it is. As root on mongo-rs-0, whose first start created the users
// (deploy/mongo/init); mongo-rs-1 and -2 replace their own copies by the initial sync from it. It retries for up to
// 3 minutes: a member's health check can pass on the image's temporary first-start mongod (no --replSet yet), and
// initiating needs every member to answer.
const setName = 'rs0';
const members = ['mongo-rs-0:27017', 'mongo-rs-1:27017', 'mongo-rs-2:27017'];
const user = encodeURIComponent(process.env.MONGO_INITDB_ROOT_USERNAME);
const password = encodeURIComponent(process.env.MONGO_INITDB_ROOT_PASSWORD);
const uri = `mongodb://${user}:${password}@${members[0]}/admin?directConnection=true&authSource=admin` +
  '&serverSelectionTimeoutMS=5000&connectTimeoutMS=5000';

// One attempt; returns 'primary' when done, else why it waits.
function attempt() {
  const conn = new Mongo(uri);
  try {
    const admin = conn.getDB('admin');
    const status = admin.runCommand({replSetGetStatus: 1});
    if (status.ok === 1) {
      return status.members.some(m => m.stateStr === 'PRIMARY') ? 'primary' : 'waiting for a primary';
    }
    if (status.codeName !== 'NotYetInitialized') {
      return `waiting: ${status.codeName}`;
    }
    // mongo-rs-0 holds the users: the higher priority keeps it the preferred primary.
    const initiated = admin.runCommand({replSetInitiate: {_id: setName, members: members.map((host, i) =>
      ({_id: i, host, priority: i === 0 ? 2 : 1}))}});
    return initiated.ok === 1 ? `initiated ${setName} with ${members.join(', ')}` : `waiting: ${initiated.errmsg}`;
  } finally {
    conn.close();
  }
}

let last = '';
for (let waited = 0; ; waited += 1) {
  let outcome;
  try {
    outcome = attempt();
  } catch (e) {
    outcome = `waiting: ${e.message}`;
  }
  if (outcome !== last) {
    print(outcome);
    last = outcome;
  }
  if (outcome === 'primary') {
    print(`${setName} has a primary`);
    break;
  }
  if (waited >= 180) {
    throw new Error(`${setName} has no primary after 3 minutes (${outcome})`);
  }
  sleep(1000);
}
