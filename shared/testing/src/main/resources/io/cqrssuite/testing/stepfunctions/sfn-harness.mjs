// Local Step Functions harness: the AWS side of Step Functions for local runs and tests, where no Step Functions
// server exists. It speaks the Step Functions JSON 1.0 wire protocol (what the AWS SDKs send) and runs each
// execution's real ASL definition in aws-local-stepfunctions, an ASL interpreter; Task states are served here:
// SQS sendMessage (plain and .waitForTaskToken) really sends to an SQS endpoint, Lambda tasks are POSTed to an
// invoke bridge that speaks the Lambda Invoke API, SNS publishes are recorded. Task tokens are issued and answered
// here as Step Functions does. Never on a production path: figures from it are this interpreter's, not AWS's.
//
// Usage: node sfn-harness.mjs --modules <node_modules dir> [--definition NAME=FILE]... [--substitution NAME:KEY=VALUE]...
//          [--sqs-endpoint URL] [--lambda-endpoint URL] [--retry-pause-ms N] [--wait-ms N] [--region R] [--account A]
// Prints one line {"event":"listening","port":P} on stdout when ready; logs go to stderr; exits when stdin closes.
//
// What runs as on AWS: Pass, Choice, Wait, Succeed, Fail, Task, Parallel and inline Map states; InputPath,
// Parameters/ItemSelector, ResultSelector, ResultPath, OutputPath, intrinsic functions, Retry (IntervalSeconds,
// BackoffRate, MaxDelaySeconds, JitterStrategy, MaxAttempts) and Catch, TimeoutSeconds (States.Timeout, not matched
// by States.TaskFailed) and the execution's TimeoutSeconds, all by the interpreter. StartExecution's name rules are
// STANDARD's: a running execution with the same name and input is the same one; closed, or another input, is
// ExecutionAlreadyExists. Task tokens: a second answer is TaskDoesNotExist, one after a timeout TaskTimedOut, a
// malformed one InvalidToken; tokens of a stopped or ended execution no longer exist.
//
// Gaps, each measured against aws-local-stepfunctions 3.0.0 (say so where a figure or a pass comes from here):
// - Refused at CreateStateMachine (InvalidDefinition), as the interpreter would ignore them and run wrongly: JSONata
//   (QueryLanguage, Arguments, Output, Items), variables (Assign), Distributed Map (ItemReader, ItemBatcher,
//   ResultWriter, ToleratedFailure*), Task Credentials, the .sync patterns, activities, and every integration but
//   sqs:sendMessage, lambda:invoke, sns:publish (each also .waitForTaskToken) and Lambda function ARNs.
// - Context object: $$.State.Name is written into each state's Parameters, ItemSelector and ResultSelector when the
//   machine is created (elsewhere it does not resolve); $$.State.EnteredTime is the time those are evaluated;
//   $$.State.RetryCount and $$.Execution.RedriveCount do not exist. $$.Map.Item is there in ItemSelector only (as
//   on AWS). $$.Execution.Input/StartTime inside a Map or Parallel are rewritten to the execution's own, since the
//   interpreter would give the iteration's.
// - A missed heartbeat fails the task with States.HeartbeatTimeout (matched by States.TaskFailed and States.ALL, not
//   by States.Timeout): list both names in a Catch meant for any timeout.
// - A Task without TimeoutSeconds waits at most 2147483 s (Node's longest timer; the interpreter's own default is
//   60 s, lifted here); TimeoutSecondsPath is read with dotted paths only ($.a.b) to retire a timed-out token.
// - A Fail state without Error fails the execution with error "FailStateError" (AWS gives none).
// - History: ExecutionStarted/Succeeded/Failed/Aborted/TimedOut, <Type>StateEntered/Exited, MapIteration*,
//   TaskScheduled/Submitted/Succeeded/Failed/TimedOut and LambdaFunctionScheduled/Succeeded/Failed; no TaskStarted,
//   no Parallel branch or Wait details; ids and timing are this process's. No nextToken paging anywhere.
// - Not served: EXPRESS workflows and StartSyncExecution, redrive, versions and aliases, tags, Update/Delete of
//   state machines, activities, DescribeStateMachineForExecution. The 256 KiB payload limits are not enforced.
// - Everything lives in this process's memory: a restart forgets every execution and token.
// - Validation is asl-validator's, not the service's: messages differ and a definition AWS refuses may pass.
// - Lambda: the error name is the errorType the bridge reports (a Java handler's exception class, as Lambda's Java
//   runtime does); Lambda's own service errors (throttling, Sandbox.Timedout) never happen here.
// - SNS: a publish is only recorded (stderr, history); nothing is delivered.

import http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const options = parseArguments(process.argv.slice(2));
const { StateMachine, ExecutionAbortedError, ExecutionTimeoutError } = await import(
  pathToFileURL(join(options.modules, 'aws-local-stepfunctions', 'build', 'main.node.esm.js')).href
);

const REGION = options.region;
const ACCOUNT = options.account;
// setTimeout's ceiling: the interpreter times a Task out after 60 s unless told otherwise, where Step Functions
// waits as long as the execution lives; this is the longest wait Node can schedule.
const UNBOUNDED_TASK_SECONDS = 2147483;

const stateMachines = new Map(); // name -> machine
const executions = new Map(); // executionArn -> execution
const tokens = new Map(); // token -> pending task, or a tombstone {status: 'COMPLETED'|'TIMED_OUT'|'GONE'}

function log(message, fields = {}) {
  process.stderr.write(JSON.stringify({ source: 'sfn-harness', message, ...fields }) + '\n');
}

class ApiError extends Error {
  constructor(type, message, status = 400) {
    super(message);
    this.type = type;
    this.status = status;
  }
}

/** An error a Task state raises: its name is what Retry and Catch match, its message becomes the Cause. */
function taskError(name, cause, retryable = true) {
  const error = new Error(cause ?? '');
  error.name = name;
  if (!retryable) {
    error.isRetryable = false;
  }
  return error;
}

// ---------------------------------------------------------------------------------------------- state machines

function stateMachineArn(name) {
  return `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
}

function nameFromArn(arn, kind) {
  const parts = String(arn ?? '').split(':');
  if (parts.length < 7 || parts[0] !== 'arn' || parts[2] !== 'states' || parts[5] !== kind) {
    throw new ApiError('InvalidArn', `Invalid Arn: '${arn}'`);
  }
  return parts.slice(6);
}

function validateName(name, what) {
  if (typeof name !== 'string' || name.length < 1 || name.length > 80 || /[\s<>{}\[\]?*"#%\\^|~`$&,;:\/\u0000-\u001f\u007f-\u009f]/.test(name)) {
    throw new ApiError('InvalidName', `Invalid ${what} name: '${name}'`);
  }
}

function substitute(text, substitutions, name) {
  const replaced = text.replace(/\$\{([A-Za-z0-9_.:-]+)\}/g, (whole, key) => {
    if (!(key in substitutions)) {
      throw new ApiError('InvalidDefinition', `state machine ${name}: no substitution for \${${key}}`);
    }
    return substitutions[key];
  });
  return replaced;
}

// What aws-local-stepfunctions 3.0.0 would accept but silently not do: refused up front instead of run wrongly.
const UNSUPPORTED_FIELDS = {
  QueryLanguage: 'JSONata (QueryLanguage)',
  Assign: 'variables (Assign)',
  Arguments: 'JSONata Arguments',
  Output: 'JSONata Output',
  Items: 'JSONata Items',
  ItemReader: 'Distributed Map (ItemReader)',
  ItemBatcher: 'Distributed Map (ItemBatcher)',
  ResultWriter: 'Distributed Map (ResultWriter)',
  ToleratedFailureCount: 'Distributed Map (ToleratedFailureCount)',
  ToleratedFailureCountPath: 'Distributed Map (ToleratedFailureCountPath)',
  ToleratedFailurePercentage: 'Distributed Map (ToleratedFailurePercentage)',
  ToleratedFailurePercentagePath: 'Distributed Map (ToleratedFailurePercentagePath)',
  Credentials: 'cross-account Task Credentials',
};
const SERVED_INTEGRATIONS = new Set(['sqs:sendMessage', 'lambda:invoke', 'sns:publish']);

function refuse(name, what) {
  return new ApiError('InvalidDefinition', `state machine ${name}: the local Step Functions harness cannot run ${what}`);
}

/**
 * Walks every state, nested Map and Parallel ones too, so each Task state gets its handler (the interpreter keys
 * overrides by state name) and so the context fields the interpreter cannot know per state are filled in.
 */
function prepare(definition, name) {
  if (definition?.QueryLanguage === 'JSONata') {
    throw refuse(name, UNSUPPORTED_FIELDS.QueryLanguage);
  }
  const runnable = structuredClone(definition);
  const tasks = new Map();
  const retrying = [];
  const waits = [];
  const seen = new Set();
  const visit = (machine) => {
    for (const [stateName, state] of Object.entries(machine.States ?? {})) {
      if (seen.has(stateName)) {
        throw new ApiError('InvalidDefinition', `state machine ${name}: state name '${stateName}' is used twice`);
      }
      seen.add(stateName);
      for (const field of Object.keys(state)) {
        if (UNSUPPORTED_FIELDS[field] && !(field === 'QueryLanguage' && state[field] === 'JSONPath')) {
          throw refuse(name, `${UNSUPPORTED_FIELDS[field]} in state '${stateName}'`);
        }
      }
      if (state.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED') {
        throw refuse(name, `Distributed Map in state '${stateName}'`);
      }
      for (const field of Object.keys(state)) {
        if (!['Iterator', 'ItemProcessor', 'Branches'].includes(field)) {
          state[field] = withRootExecution(state[field], field);
        }
      }
      for (const field of ['Parameters', 'ItemSelector', 'ResultSelector']) {
        if (state[field] !== undefined) {
          state[field] = withStateName(state[field], stateName);
        }
      }
      if (state.Retry) retrying.push(stateName);
      if (state.Type === 'Wait') waits.push(stateName);
      if (state.Type === 'Fail' && state.Cause === undefined && state.CausePath === undefined) {
        state.Cause = ''; // else the interpreter makes one up; Step Functions reports none
      }
      if (state.Type === 'Task') {
        checkResource(name, stateName, state.Resource);
        tasks.set(stateName, { ...state });
        if (state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) {
          state.TimeoutSeconds = UNBOUNDED_TASK_SECONDS;
        }
      }
      for (const nested of [state.Iterator, state.ItemProcessor, ...(state.Branches ?? [])]) {
        if (nested) visit(nested);
      }
    }
  };
  visit(runnable);
  return { runnable, tasks, retrying, waits };
}

function checkResource(name, stateName, resource) {
  if (LAMBDA_ARN.test(resource ?? '')) return;
  const integration = INTEGRATION.exec(resource ?? '');
  if (!integration) {
    throw refuse(name, `resource '${resource}' of state '${stateName}' (activities and other services are not served)`);
  }
  const [, service, action, pattern] = integration;
  if (!SERVED_INTEGRATIONS.has(`${service}:${action}`)) {
    throw refuse(name, `${service}:${action} in state '${stateName}' (served: ${[...SERVED_INTEGRATIONS].join(', ')} and Lambda ARNs)`);
  }
  if (pattern && pattern !== 'waitForTaskToken') {
    throw refuse(name, `the .${pattern} pattern in state '${stateName}'`);
  }
}

/**
 * `$$.Execution.Input` and `.StartTime` read from a copy the interpreter leaves alone: inside a Map iteration or a
 * Parallel branch it sets them to that iteration's input and start, where Step Functions keeps the execution's.
 */
function withRootExecution(value, key) {
  if (typeof value === 'string') {
    const isPath = key.endsWith('.$') || key.endsWith('Path') || key === 'Variable';
    return isPath ? value.replace(/\$\$\.Execution\.(Input|StartTime)\b/g, '$$$$.RootExecution.$1') : value;
  }
  if (Array.isArray(value)) return value.map((item) => withRootExecution(item, key));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withRootExecution(v, k)]));
}

/** `$$.State.Name` resolved at definition time: the interpreter keeps one context object for all states. */
function withStateName(template, stateName) {
  if (Array.isArray(template)) return template.map((item) => withStateName(item, stateName));
  if (template === null || typeof template !== 'object') return template;
  const result = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$') && value === '$$.State.Name') {
      result[key.slice(0, -2)] = stateName;
    } else if (key.endsWith('.$') && typeof value === 'string' && value.includes('$$.State.Name')) {
      result[key] = value.replaceAll('$$.State.Name', `'${stateName.replace(/['{}\\]/g, (c) => '\\' + c)}'`);
    } else {
      result[key] = withStateName(value, stateName);
    }
  }
  return result;
}

function createStateMachine(name, definitionText, roleArn, substitutions = {}) {
  validateName(name, 'state machine');
  if (stateMachines.has(name)) {
    const existing = stateMachines.get(name);
    if (existing.definitionText === definitionText) {
      return existing;
    }
    throw new ApiError('StateMachineAlreadyExists', `State Machine Already Exists: '${stateMachineArn(name)}'`);
  }
  let definition;
  try {
    definition = JSON.parse(substitute(definitionText, substitutions, name));
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError('InvalidDefinition', `Invalid State Machine Definition: '${e.message}'`);
  }
  const prepared = prepare(definition, name);
  try {
    // Validation as the interpreter sees it (asl-validator): a definition it cannot run is refused up front.
    new StateMachine(definition);
  } catch (e) {
    throw new ApiError('InvalidDefinition', `Invalid State Machine Definition: '${e.message}'`);
  }
  const machine = {
    name,
    arn: stateMachineArn(name),
    definitionText,
    definition,
    roleArn: roleArn ?? `arn:aws:iam::${ACCOUNT}:role/local-step-functions`,
    creationDate: Date.now() / 1000,
    interpreter: new StateMachine(prepared.runnable, { validationOptions: { noValidate: true } }),
    ...prepared,
  };
  stateMachines.set(name, machine);
  log('state machine created', { stateMachineArn: machine.arn, tasks: [...prepared.tasks.keys()] });
  return machine;
}

// -------------------------------------------------------------------------------------------------- executions

function startExecution(request) {
  const [machineName] = nameFromArn(request.stateMachineArn, 'stateMachine');
  const machine = stateMachines.get(machineName);
  if (!machine) {
    throw new ApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${request.stateMachineArn}'`);
  }
  const name = request.name ?? randomUUID();
  validateName(name, 'execution');
  const inputText = request.input ?? '{}';
  let input;
  try {
    input = JSON.parse(inputText);
  } catch (e) {
    throw new ApiError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${e.message}'`);
  }
  const arn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${machineName}:${name}`;
  const existing = executions.get(arn);
  if (existing) {
    // Step Functions (STANDARD): the same name and input while the first still runs is the same execution;
    // once it is closed, or with another input, the name is taken.
    if (existing.status === 'RUNNING' && existing.inputText === inputText) {
      return existing;
    }
    throw new ApiError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
  }
  const execution = {
    arn,
    name,
    machine,
    inputText,
    status: 'RUNNING',
    startDate: Date.now() / 1000,
    stopDate: undefined,
    output: undefined,
    error: undefined,
    cause: undefined,
    history: [],
    pendingToken: null,
    tokens: new Set(),
    published: [],
  };
  executions.set(arn, execution);
  record(execution, 'ExecutionStarted', {
    executionStartedEventDetails: { input: inputText, inputDetails: { truncated: false }, roleArn: machine.roleArn },
  });
  run(execution, input);
  return execution;
}

function run(execution, input) {
  const machine = execution.machine;
  const handlers = {};
  for (const [stateName, state] of machine.tasks) {
    handlers[stateName] = (taskInput) => runTask(execution, stateName, state, taskInput);
  }
  const overrides = { taskResourceLocalHandlers: handlers };
  if (options.retryPauseMs !== undefined) {
    overrides.retryIntervalOverrides = Object.fromEntries(machine.retrying.map((s) => [s, options.retryPauseMs]));
  }
  if (options.waitMs !== undefined) {
    overrides.waitTimeOverrides = Object.fromEntries(machine.waits.map((s) => [s, options.waitMs]));
  }
  // The interpreter evaluates Parameters (and so $$.Task.Token) and then calls the Task's handler in the same
  // synchronous step, so a token minted lazily on first read is the one the next handler call takes.
  const task = {};
  Object.defineProperty(task, 'Token', {
    enumerable: true,
    get() {
      if (execution.pendingToken === null) {
        execution.pendingToken = mintToken(execution);
      }
      return execution.pendingToken;
    },
  });
  const context = {
    Execution: {
      Id: execution.arn,
      Name: execution.name,
      RoleArn: machine.roleArn,
      StartTime: new Date(execution.startDate * 1000).toISOString(),
    },
    RootExecution: { Input: input, StartTime: new Date(execution.startDate * 1000).toISOString() },
    StateMachine: { Id: machine.arn, Name: machine.name },
    // Read while the state's Parameters are evaluated, which is when it is entered.
    State: Object.defineProperty({}, 'EnteredTime', { enumerable: true, get: () => new Date().toISOString() }),
    Task: task,
  };
  const running = machine.interpreter.run(input, { overrides, context });
  execution.abort = running.abort;
  const followed = followEvents(execution, running.eventLogs);
  // The outcome waits for the interpreter's last events, so the history ends with the execution's end.
  Promise.allSettled([running.result, followed]).then(() => running.result).then(
    (output) => finish(execution, 'SUCCEEDED', { output }),
    (failure) => {
      if (failure instanceof ExecutionAbortedError) {
        finish(execution, 'ABORTED', {});
      } else if (failure instanceof ExecutionTimeoutError) {
        finish(execution, 'TIMED_OUT', { error: 'States.Timeout', cause: 'The execution ran longer than its TimeoutSeconds' });
      } else {
        const error = failure.cause ?? failure;
        finish(execution, 'FAILED', { error: error.name, cause: error.message });
      }
    },
  );
}

function finish(execution, status, { output, error, cause }) {
  if (execution.status !== 'RUNNING') {
    return; // StopExecution already closed it
  }
  execution.status = status;
  execution.stopDate = Date.now() / 1000;
  if (status === 'SUCCEEDED') {
    execution.output = JSON.stringify(output ?? null);
    record(execution, 'ExecutionSucceeded', {
      executionSucceededEventDetails: { output: execution.output, outputDetails: { truncated: false } },
    });
  } else {
    execution.error = error;
    execution.cause = cause === '' ? undefined : cause;
    const type = { FAILED: 'ExecutionFailed', TIMED_OUT: 'ExecutionTimedOut', ABORTED: 'ExecutionAborted' }[status];
    const details = { FAILED: 'executionFailedEventDetails', TIMED_OUT: 'executionTimedOutEventDetails', ABORTED: 'executionAbortedEventDetails' }[status];
    record(execution, type, { [details]: { error, cause } });
  }
  for (const token of execution.tokens) {
    closeToken(token, 'GONE');
  }
  log('execution closed', { executionArn: execution.arn, status, error });
}

function stopExecution(request) {
  const execution = findExecution(request.executionArn);
  if (execution.status === 'RUNNING') {
    finish(execution, 'ABORTED', { error: request.error, cause: request.cause });
    execution.abort();
  }
  return { stopDate: execution.stopDate };
}

function findExecution(arn) {
  nameFromArn(arn, 'execution');
  const execution = executions.get(arn);
  if (!execution) {
    throw new ApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
  }
  return execution;
}

function record(execution, type, details = {}) {
  const id = execution.history.length + 1;
  execution.history.push({ timestamp: Date.now() / 1000, type, id, previousEventId: id - 1, ...details });
}

async function followEvents(execution, eventLogs) {
  for await (const event of eventLogs) {
    if (execution.status !== 'RUNNING') {
      continue; // stopped: what the interpreter still reports comes after the end
    }
    const state = event.state;
    switch (event.type) {
      case 'StateEntered':
        record(execution, `${state.type}StateEntered`, {
          stateEnteredEventDetails: { name: state.name, input: JSON.stringify(state.input ?? null), inputDetails: { truncated: false } },
        });
        break;
      case 'StateExited':
        record(execution, `${state.type}StateExited`, {
          stateExitedEventDetails: { name: state.name, output: JSON.stringify(state.output ?? null), outputDetails: { truncated: false } },
        });
        break;
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        record(execution, event.type, {
          [`${event.type[0].toLowerCase()}${event.type.slice(1)}EventDetails`]: { name: event.parentState.name, index: event.index },
        });
        break;
      default:
        // Execution events come from the execution's own outcome; retries and catches have no event of their
        // own in Step Functions' history (they show as a failed task followed by another try or the next state).
        break;
    }
  }
}

// ------------------------------------------------------------------------------------------------------- tasks

const INTEGRATION = /^arn:aws[\w-]*:states:[^:]*:[^:]*:(\w+):(\w+)(?:\.(waitForTaskToken|sync(?::2)?))?$/;
const LAMBDA_ARN = /^arn:aws[\w-]*:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/;

function runTask(execution, stateName, state, input) {
  // Taken synchronously: this call follows the evaluation of this state's Parameters with nothing in between.
  const token = execution.pendingToken;
  execution.pendingToken = null;
  // One turn later, so the history shows this state entered before its task is scheduled.
  const turn = new Promise((resolve) => setImmediate(resolve));
  const resource = state.Resource;
  const lambda = LAMBDA_ARN.exec(resource);
  if (lambda) {
    return turn.then(() => runLambdaFunction(execution, stateName, resource, lambda[1], input));
  }
  const integration = INTEGRATION.exec(resource);
  if (!integration) {
    return Promise.reject(taskError('States.Runtime', `the local Step Functions harness cannot run resource ${resource}`, false));
  }
  const [, service, action, pattern] = integration;
  const key = `${service}:${action}`;
  const describe = { resourceType: service, resource: pattern ? `${action}.${pattern}` : action };
  const scheduled = {
    ...describe,
    region: REGION,
    parameters: JSON.stringify(input ?? null),
    ...(state.TimeoutSeconds !== undefined ? { timeoutInSeconds: state.TimeoutSeconds } : {}),
    ...(state.HeartbeatSeconds !== undefined ? { heartbeatInSeconds: state.HeartbeatSeconds } : {}),
  };
  let call;
  if (key === 'sqs:sendMessage') {
    call = () => sendSqsMessage(input);
  } else if (key === 'lambda:invoke') {
    call = () => invokeLambda(input, pattern === 'waitForTaskToken' ? 'Event' : input?.InvocationType);
  } else if (key === 'sns:publish') {
    call = async () => publishSns(execution, stateName, input);
  } else {
    return Promise.reject(taskError('States.Runtime', `the local Step Functions harness cannot run ${key}`, false));
  }
  if (pattern && pattern !== 'waitForTaskToken') {
    return Promise.reject(taskError('States.Runtime', `the local Step Functions harness cannot run the .${pattern} pattern`, false));
  }
  const scheduledCall = () => turn.then(() => {
    record(execution, 'TaskScheduled', { taskScheduledEventDetails: scheduled });
    return call();
  });
  if (pattern === 'waitForTaskToken') {
    return waitForTaskToken(execution, stateName, state, input, token ?? mintToken(execution), describe, scheduledCall);
  }
  return completeTask(execution, describe, scheduledCall());
}

function completeTask(execution, describe, promise) {
  return promise.then(
    (output) => {
      record(execution, 'TaskSucceeded', { taskSucceededEventDetails: { ...describe, output: JSON.stringify(output ?? null) } });
      return output;
    },
    (error) => {
      record(execution, 'TaskFailed', { taskFailedEventDetails: { ...describe, error: error.name, cause: error.message } });
      throw error;
    },
  );
}

function mintToken(execution) {
  const token = Buffer.from(JSON.stringify({ e: execution.arn, n: randomBytes(24).toString('base64url') })).toString('base64url');
  execution.tokens.add(token);
  return token;
}

function waitForTaskToken(execution, stateName, state, input, token, describe, call) {
  return new Promise((resolve, reject) => {
    const pending = { status: 'PENDING', execution, stateName, describe, resolve, reject, heartbeat: null, timeout: null };
    tokens.set(token, pending);
    execution.tokens.add(token);
    pending.armHeartbeat = () => {
      if (state.HeartbeatSeconds === undefined) return;
      clearTimeout(pending.heartbeat);
      pending.heartbeat = setTimeout(() => {
        record(execution, 'TaskTimedOut', { taskTimedOutEventDetails: { ...describe, error: 'States.HeartbeatTimeout', cause: '' } });
        closeToken(token, 'TIMED_OUT');
        reject(taskError('States.HeartbeatTimeout', ''));
      }, state.HeartbeatSeconds * 1000);
    };
    pending.armHeartbeat();
    const timeoutSeconds = taskTimeoutSeconds(state, input);
    if (timeoutSeconds !== undefined) {
      // The interpreter raises States.Timeout itself (so States.TaskFailed does not match it, as in Step Functions),
      // from a timer it sets right after this handler returns; this one, set now for the same moment, fires first
      // and only retires the token.
      pending.timeout = setTimeout(() => {
        record(execution, 'TaskTimedOut', { taskTimedOutEventDetails: { ...describe, error: 'States.Timeout', cause: '' } });
        closeToken(token, 'TIMED_OUT');
      }, timeoutSeconds * 1000);
    }
    call().then(
      (output) => record(execution, 'TaskSubmitted', { taskSubmittedEventDetails: { ...describe, output: JSON.stringify(output ?? null) } }),
      (error) => {
        record(execution, 'TaskFailed', { taskFailedEventDetails: { ...describe, error: error.name, cause: error.message } });
        closeToken(token, 'GONE');
        reject(error);
      },
    );
  });
}

function taskTimeoutSeconds(state, input) {
  if (state.TimeoutSeconds !== undefined) return state.TimeoutSeconds;
  if (state.TimeoutSecondsPath !== undefined) {
    let value = input;
    for (const part of state.TimeoutSecondsPath.replace(/^\$\.?/, '').split('.').filter(Boolean)) {
      value = value?.[part];
    }
    return typeof value === 'number' ? value : undefined;
  }
  return undefined;
}

function closeToken(token, status) {
  const pending = tokens.get(token);
  if (pending && pending.status === 'PENDING') {
    clearTimeout(pending.heartbeat);
    clearTimeout(pending.timeout);
    tokens.set(token, { status });
  } else if (!pending) {
    tokens.set(token, { status });
  }
}

/** The pending task of a token, or the error Step Functions answers for it. */
function pendingTask(token) {
  if (typeof token !== 'string' || token.length < 1 || token.length > 2048) {
    throw new ApiError('InvalidToken', 'Invalid Token');
  }
  let decoded;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new ApiError('InvalidToken', `Invalid Token: '${token.slice(0, 32)}...'`);
  }
  if (!decoded?.e || !decoded?.n) {
    throw new ApiError('InvalidToken', `Invalid Token: '${token.slice(0, 32)}...'`);
  }
  const pending = tokens.get(token);
  if (pending?.status === 'PENDING') return pending;
  if (pending?.status === 'TIMED_OUT') throw new ApiError('TaskTimedOut', 'Task Timed Out');
  throw new ApiError('TaskDoesNotExist', 'Task Does Not Exist');
}

function sendTaskSuccess(request) {
  const pending = pendingTask(request.taskToken);
  let output;
  try {
    output = JSON.parse(request.output);
  } catch (e) {
    throw new ApiError('InvalidOutput', `Invalid Output: '${e.message}'`);
  }
  record(pending.execution, 'TaskSucceeded', { taskSucceededEventDetails: { ...pending.describe, output: request.output } });
  closeToken(request.taskToken, 'COMPLETED');
  pending.resolve(output);
  return {};
}

function sendTaskFailure(request) {
  const pending = pendingTask(request.taskToken);
  const error = request.error ?? 'States.TaskFailed';
  record(pending.execution, 'TaskFailed', { taskFailedEventDetails: { ...pending.describe, error, cause: request.cause ?? '' } });
  closeToken(request.taskToken, 'COMPLETED');
  pending.reject(taskError(error, request.cause ?? ''));
  return {};
}

function sendTaskHeartbeat(request) {
  pendingTask(request.taskToken).armHeartbeat();
  return {};
}

// ---------------------------------------------------------------------------------------- service integrations

async function sendSqsMessage(parameters) {
  const queueUrl = parameters?.QueueUrl;
  if (typeof queueUrl !== 'string') {
    throw taskError('States.Runtime', 'sqs:sendMessage needs a QueueUrl', false);
  }
  const body = { ...parameters };
  // Step Functions serialises a JSON MessageBody to its text, as the SQS API takes only strings.
  if (typeof body.MessageBody !== 'string') {
    body.MessageBody = JSON.stringify(body.MessageBody);
  }
  const endpoint = options.sqsEndpoint ?? new URL(queueUrl).origin;
  const response = await awsJson(endpoint, 'AmazonSQS.SendMessage', 'sqs', body);
  if (!response.ok) {
    throw taskError(`SQS.${response.type ?? 'SdkClientException'}`, response.message ?? `HTTP ${response.status}`);
  }
  return { MessageId: response.body.MessageId, MD5OfMessageBody: response.body.MD5OfMessageBody, SdkHttpMetadata: { HttpStatusCode: 200 } };
}

async function awsJson(endpoint, target, service, body) {
  let response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.0',
        'X-Amz-Target': target,
        // Local endpoints take any credentials; the header names the region and service as a signed call does.
        Authorization: `AWS4-HMAC-SHA256 Credential=local/20250101/${REGION}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: JSON.stringify(body),
    });
  } catch (e) {
    throw taskError(`${service.toUpperCase()}.SdkClientException`, `${endpoint}: ${e.cause?.message ?? e.message}`);
  }
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : {};
  if (!response.ok) {
    const type = String(parsed.__type ?? parsed.code ?? 'ServiceException').split('#').pop();
    return { ok: false, status: response.status, type, message: parsed.message ?? parsed.Message };
  }
  return { ok: true, body: parsed };
}

function functionName(reference) {
  const arn = LAMBDA_ARN.exec(reference ?? '');
  if (arn) return arn[1];
  return String(reference ?? '').split(':')[0];
}

/** POSTs to the invoke bridge as the Lambda Invoke API; a function error is the task's error, as in Step Functions. */
async function callFunction(name, payload, invocationType = 'RequestResponse') {
  if (!options.lambdaEndpoint) {
    throw taskError('Lambda.ServiceException', `no Lambda invoke endpoint was given to the harness (function ${name})`, false);
  }
  let response;
  try {
    response = await fetch(`${options.lambdaEndpoint}/2015-03-31/functions/${encodeURIComponent(name)}/invocations`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Amz-Invocation-Type': invocationType },
      body: JSON.stringify(payload ?? null),
    });
  } catch (e) {
    throw taskError('Lambda.SdkClientException', `${options.lambdaEndpoint}: ${e.cause?.message ?? e.message}`);
  }
  const text = await response.text();
  if (response.status === 404) {
    throw taskError('Lambda.ResourceNotFoundException', `Function not found: ${name}`, false);
  }
  if (!response.ok) {
    throw taskError('Lambda.ServiceException', `HTTP ${response.status}: ${text}`);
  }
  if (response.headers.get('x-amz-function-error')) {
    let type = 'Lambda.Unknown';
    try {
      type = JSON.parse(text).errorType ?? type;
    } catch {
      // not a JSON error document: keep Lambda.Unknown, as Step Functions does
    }
    throw taskError(type, text);
  }
  let result = null;
  if (text) {
    try {
      result = JSON.parse(text);
    } catch {
      result = text;
    }
  }
  return { status: response.status, result };
}

function runLambdaFunction(execution, stateName, resource, name, input) {
  record(execution, 'LambdaFunctionScheduled', {
    lambdaFunctionScheduledEventDetails: { resource, input: JSON.stringify(input ?? null), inputDetails: { truncated: false } },
  });
  return callFunction(name, input).then(
    ({ result }) => {
      record(execution, 'LambdaFunctionSucceeded', { lambdaFunctionSucceededEventDetails: { output: JSON.stringify(result) } });
      return result;
    },
    (error) => {
      record(execution, 'LambdaFunctionFailed', { lambdaFunctionFailedEventDetails: { error: error.name, cause: error.message } });
      throw error;
    },
  );
}

async function invokeLambda(parameters, invocationType) {
  const name = functionName(parameters?.FunctionName);
  const { status, result } = await callFunction(name, parameters?.Payload, invocationType ?? 'RequestResponse');
  return {
    ExecutedVersion: '$LATEST',
    ...(invocationType === 'Event' ? {} : { Payload: result }),
    SdkHttpMetadata: { HttpStatusCode: status },
    StatusCode: status,
  };
}

function publishSns(execution, stateName, parameters) {
  const messageId = randomUUID();
  const publish = { messageId, state: stateName, ...parameters };
  execution.published.push(publish);
  log('sns:publish recorded (no SNS here)', { executionArn: execution.arn, ...publish });
  return { MessageId: messageId, SdkHttpMetadata: { HttpStatusCode: 200 } };
}

// ---------------------------------------------------------------------------------------------------- the API

function describeExecution(execution) {
  return {
    executionArn: execution.arn,
    stateMachineArn: execution.machine.arn,
    name: execution.name,
    status: execution.status,
    startDate: execution.startDate,
    ...(execution.stopDate !== undefined ? { stopDate: execution.stopDate } : {}),
    input: execution.inputText,
    inputDetails: { included: true },
    ...(execution.output !== undefined ? { output: execution.output, outputDetails: { included: true } } : {}),
    ...(execution.error !== undefined ? { error: execution.error } : {}),
    ...(execution.cause !== undefined ? { cause: execution.cause } : {}),
  };
}

const actions = {
  CreateStateMachine: (r) => {
    const machine = createStateMachine(r.name, r.definition, r.roleArn);
    return { stateMachineArn: machine.arn, creationDate: machine.creationDate };
  },
  DescribeStateMachine: (r) => {
    const [name] = nameFromArn(r.stateMachineArn, 'stateMachine');
    const machine = stateMachines.get(name);
    if (!machine) throw new ApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${r.stateMachineArn}'`);
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      status: 'ACTIVE',
      definition: machine.definitionText,
      roleArn: machine.roleArn,
      type: 'STANDARD',
      creationDate: machine.creationDate,
    };
  },
  ListStateMachines: () => ({
    stateMachines: [...stateMachines.values()].map((m) => ({ stateMachineArn: m.arn, name: m.name, type: 'STANDARD', creationDate: m.creationDate })),
  }),
  StartExecution: (r) => {
    const execution = startExecution(r);
    return { executionArn: execution.arn, startDate: execution.startDate };
  },
  DescribeExecution: (r) => describeExecution(findExecution(r.executionArn)),
  StopExecution: (r) => stopExecution(r),
  GetExecutionHistory: (r) => {
    const events = [...findExecution(r.executionArn).history];
    if (r.reverseOrder) events.reverse();
    return { events: r.maxResults ? events.slice(0, r.maxResults) : events };
  },
  ListExecutions: (r) => {
    const [name] = nameFromArn(r.stateMachineArn, 'stateMachine');
    if (!stateMachines.has(name)) throw new ApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${r.stateMachineArn}'`);
    const listed = [...executions.values()]
      .filter((e) => e.machine.name === name && (!r.statusFilter || e.status === r.statusFilter))
      .reverse()
      .map((e) => ({
        executionArn: e.arn,
        stateMachineArn: e.machine.arn,
        name: e.name,
        status: e.status,
        startDate: e.startDate,
        ...(e.stopDate !== undefined ? { stopDate: e.stopDate } : {}),
      }));
    return { executions: r.maxResults ? listed.slice(0, r.maxResults) : listed };
  },
  SendTaskSuccess: sendTaskSuccess,
  SendTaskFailure: sendTaskFailure,
  SendTaskHeartbeat: sendTaskHeartbeat,
};

function reply(response, status, body) {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': randomUUID() });
  response.end(text);
}

const server = http.createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const target = request.headers['x-amz-target'] ?? '';
    const action = target.startsWith('AWSStepFunctions.') ? target.slice('AWSStepFunctions.'.length) : null;
    try {
      if (!action || !actions[action]) {
        throw new ApiError('UnknownOperationException', `the local Step Functions harness does not serve '${target}'`);
      }
      const text = Buffer.concat(chunks).toString('utf8');
      let body;
      try {
        body = text ? JSON.parse(text) : {};
      } catch {
        throw new ApiError('SerializationException', 'the request body is not JSON');
      }
      reply(response, 200, actions[action](body));
    } catch (e) {
      if (e instanceof ApiError) {
        reply(response, e.status, { __type: e.type, message: e.message });
      } else {
        log('internal error', { action, error: String(e?.stack ?? e) });
        reply(response, 500, { __type: 'InternalServerError', message: String(e?.message ?? e) });
      }
    }
  });
});

// ------------------------------------------------------------------------------------------------- start-up

function parseArguments(args) {
  const parsed = { definitions: [], substitutions: {}, region: process.env.AWS_REGION ?? 'us-east-1', account: '123456789012' };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = args[++i];
    if (value === undefined) fail(`${flag} needs a value`);
    switch (flag) {
      case '--modules': parsed.modules = value; break;
      case '--definition': {
        const at = value.indexOf('=');
        if (at < 1) fail(`--definition takes NAME=FILE, got ${value}`);
        parsed.definitions.push({ name: value.slice(0, at), file: value.slice(at + 1) });
        break;
      }
      case '--substitution': {
        const colon = value.indexOf(':');
        const at = value.indexOf('=', colon);
        if (colon < 1 || at < colon + 2) fail(`--substitution takes NAME:KEY=VALUE, got ${value}`);
        const name = value.slice(0, colon);
        (parsed.substitutions[name] ??= {})[value.slice(colon + 1, at)] = value.slice(at + 1);
        break;
      }
      case '--sqs-endpoint': parsed.sqsEndpoint = value.replace(/\/$/, ''); break;
      case '--lambda-endpoint': parsed.lambdaEndpoint = value.replace(/\/$/, ''); break;
      case '--retry-pause-ms': parsed.retryPauseMs = Number(value); break;
      case '--wait-ms': parsed.waitMs = Number(value); break;
      case '--region': parsed.region = value; break;
      case '--account': parsed.account = value; break;
      default: fail(`unknown option ${flag}`);
    }
  }
  parsed.sqsEndpoint ??= process.env.AWS_ENDPOINT_URL_SQS?.replace(/\/$/, '');
  if (!parsed.modules) fail('--modules <node_modules dir holding aws-local-stepfunctions> is required');
  return parsed;
}

function fail(message) {
  process.stderr.write(`sfn-harness: ${message}\n`);
  process.exit(2);
}

for (const { name, file } of options.definitions) {
  try {
    createStateMachine(name, readFileSync(file, 'utf8'), undefined, options.substitutions[name] ?? {});
  } catch (e) {
    fail(`state machine ${name} from ${file}: ${e.message}`);
  }
}

// The harness lives as long as whoever started it: stdin closes when that process ends, however it ends.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ event: 'listening', port: server.address().port }) + '\n');
});
