// Preloaded into a service (`node --require bench/lib/sql-recorder.cjs`) by bench/pipeline.mjs for
// the PostgreSQL-only limit baseline: every statement the process completes on a pg connection is
// appended to SQL_RECORD_FILE as one JSON line — connection, statement, parameters as pg sends
// them — in the order the statements completed. A statement that completed could run at that point,
// so replaying them one after another in this order never waits on a lock the recording did not.
// Bench only: the file holds every parameter, i.e. the data.
'use strict';
const fs = require('node:fs');
const pg = require('pg');
const { prepareValue } = require('pg/lib/utils');

const fd = fs.openSync(process.env.SQL_RECORD_FILE, 'w');
const connections = new WeakMap();
let nextConnection = 0;
const original = pg.Client.prototype.query;

function record(client, text, values, failed) {
  if (!connections.has(client)) connections.set(client, nextConnection++);
  const line = { c: connections.get(client), q: text, v: Array.isArray(values) ? values.map((v) => prepareValue(v)) : undefined, ...(failed ? { failed: true } : {}) };
  fs.writeSync(fd, `${JSON.stringify(line)}\n`);
}

pg.Client.prototype.query = function query(config, values, callback) {
  const text = typeof config === 'string' ? config : config && typeof config.text === 'string' ? config.text : null;
  // Submittables (cursors, streams) and anything without a text are not recorded.
  if (text === null || typeof config.submit === 'function') return original.apply(this, arguments);
  const params = typeof config === 'string' ? (Array.isArray(values) ? values : undefined) : config.values;
  const cb = typeof callback === 'function' ? callback : typeof values === 'function' ? values : null;
  if (cb) {
    const wrapped = (error, result) => {
      record(this, text, params, Boolean(error));
      cb(error, result);
    };
    return typeof callback === 'function' ? original.call(this, config, values, wrapped) : original.call(this, config, wrapped);
  }
  return original.apply(this, arguments).then(
    (result) => {
      record(this, text, params, false);
      return result;
    },
    (error) => {
      record(this, text, params, true);
      throw error;
    },
  );
};
