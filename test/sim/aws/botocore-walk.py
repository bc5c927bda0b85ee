"""Sends calls to the simulated AWS through boto3 and holds every reply to botocore's model.

Run with Debian's /usr/bin/python3 (python3-boto3, python3-botocore). Reads one JSON document
on stdin:

  {"endpoint": "http://127.0.0.1:PORT", "region": "eu-west-1",
   "accessKeyId": "...", "secretAccessKey": "...",
   "calls": [{"service": "autoscaling", "operation": "DescribeAutoScalingGroups",
              "params": {...}, "require": ["AutoScalingGroups[].Instances[].InstanceId"],
              "error": {"code": "ValidationError", "status": 400},
              "accessKeyId": "...", "secretAccessKey": "...", "unsigned": false}]}

A call's own accessKeyId / secretAccessKey replace the document's; "unsigned" sends no
signature at all. It writes one JSON list on stdout, one entry per call: {"service",
"operation", "problems", "code", "status", "message", "reply"} (reply: the parsed reply of a
call that succeeded). A problem is anything in the reply the model does not allow:
an XML element it has no member for, a value not of the member's type or not in its enum, a
required path missing from the parsed reply, an error with another code or HTTP status than
expected, or a reply botocore cannot parse at all. The raw XML is walked as well as the
parsed reply because botocore drops elements it does not know.
"""

import json
import re
import sys
import xml.etree.ElementTree as ET

import boto3
import botocore
import botocore.config
import botocore.exceptions
from botocore import xform_name

INTEGER = re.compile(r'^-?\d+$')
NUMBER = re.compile(r'^-?\d+(\.\d+)?([eE][-+]?\d+)?$')
# The query protocols' timestamps are ISO 8601 in UTC.
TIMESTAMP = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$')


def tag(node):
    return node.tag.split('}', 1)[-1]


def serialized_name(shape, name):
    return shape.serialization.get('name', name)


def walk_xml(shape, node, path, problems):
    """The XML under `node` as `shape` says it must be."""
    kind = shape.type_name
    children = list(node)
    if kind == 'structure':
        by_name = {serialized_name(member, name): (name, member) for name, member in shape.members.items()}
        seen = set()
        for child in children:
            key = tag(child)
            if key not in by_name:
                problems.append(f'{path}: element <{key}> is not a member of {shape.name}')
                continue
            if key in seen:
                problems.append(f'{path}: element <{key}> appears twice')
            seen.add(key)
            name, member = by_name[key]
            walk_xml(member, child, f'{path}.{name}', problems)
        return
    if kind == 'list':
        item = shape.member.serialization.get('name', 'member')
        for i, child in enumerate(children):
            if tag(child) != item:
                problems.append(f'{path}: list item is <{tag(child)}>, the model says <{item}>')
            walk_xml(shape.member, child, f'{path}[{i}]', problems)
        return
    if children:
        problems.append(f'{path}: a {kind} has child elements')
        return
    text = node.text or ''
    if kind == 'string':
        if shape.enum and text not in shape.enum:
            problems.append(f'{path}: {text!r} is not in the enum {shape.name} {shape.enum}')
    elif kind in ('integer', 'long'):
        if not INTEGER.match(text):
            problems.append(f'{path}: {text!r} is not an {kind}')
    elif kind in ('double', 'float'):
        if not NUMBER.match(text):
            problems.append(f'{path}: {text!r} is not a {kind}')
    elif kind == 'boolean':
        if text not in ('true', 'false'):
            problems.append(f'{path}: {text!r} is not a boolean')
    elif kind == 'timestamp':
        if not TIMESTAMP.match(text):
            problems.append(f'{path}: {text!r} is not an ISO 8601 timestamp')
    else:
        problems.append(f'{path}: the walk does not know the type {kind}')


def check_parsed(shape, value, path, problems):
    """The parsed reply: every member of the model's type."""
    kind = shape.type_name
    if kind == 'structure':
        if not isinstance(value, dict):
            return problems.append(f'{path}: parsed as {type(value).__name__}, not a structure')
        for name, member_value in value.items():
            if name == 'ResponseMetadata' and path == '':
                continue
            if name not in shape.members:
                problems.append(f'{path}.{name}: not a member of {shape.name}')
                continue
            check_parsed(shape.members[name], member_value, f'{path}.{name}', problems)
    elif kind == 'list':
        if not isinstance(value, list):
            return problems.append(f'{path}: parsed as {type(value).__name__}, not a list')
        for i, item in enumerate(value):
            check_parsed(shape.member, item, f'{path}[{i}]', problems)
    elif kind == 'string':
        if not isinstance(value, str):
            problems.append(f'{path}: parsed as {type(value).__name__}, not a string')
    elif kind in ('integer', 'long'):
        if not isinstance(value, int) or isinstance(value, bool):
            problems.append(f'{path}: parsed as {type(value).__name__}, not an integer')
    elif kind == 'boolean':
        if not isinstance(value, bool):
            problems.append(f'{path}: parsed as {type(value).__name__}, not a boolean')
    elif kind == 'timestamp':
        if type(value).__name__ != 'datetime':
            problems.append(f'{path}: parsed as {type(value).__name__}, not a timestamp')


def present(value, steps):
    """Whether the path (Name, Name[] for every item of a list) is in the parsed reply; an empty list has all its paths."""
    if not steps:
        return value is not None
    step, rest = steps[0], steps[1:]
    every = step.endswith('[]')
    name = step[:-2] if every else step
    if not isinstance(value, dict) or name not in value:
        return False
    inner = value[name]
    if every:
        return isinstance(inner, list) and all(present(item, rest) for item in inner)
    return present(inner, rest)


def walk_reply(operation_model, body, problems):
    root = ET.fromstring(body)
    output = operation_model.output_shape
    if tag(root) != f'{operation_model.name}Response':
        problems.append(f'root element is <{tag(root)}>, not <{operation_model.name}Response>')
    ec2 = operation_model.metadata['protocol'] == 'ec2'
    wrapper = output.serialization.get('resultWrapper') if output is not None else None
    if ec2:
        rest = [c for c in root if tag(c) != 'requestId']
        if len(rest) == len(list(root)):
            problems.append('no <requestId>')
        if output is not None:
            fake = ET.Element('result')
            fake.extend(rest)
            walk_xml(output, fake, '', problems)
        elif rest:
            problems.append(f'elements {[tag(c) for c in rest]} where the model has no output')
        return
    names = [tag(c) for c in root]
    expected = ([wrapper] if wrapper else []) + ['ResponseMetadata']
    if names != expected:
        problems.append(f'children of the root are {names}, the model says {expected}')
    for child in root:
        if wrapper and tag(child) == wrapper:
            walk_xml(output, child, '', problems)
        elif tag(child) == 'ResponseMetadata':
            if [tag(c) for c in child] != ['RequestId']:
                problems.append(f'ResponseMetadata holds {[tag(c) for c in child]}')


def run_call(spec, call):
    config = botocore.config.Config(
        retries={'total_max_attempts': 1}, parameter_validation=call.get('validate', True),
        **({'signature_version': botocore.UNSIGNED} if call.get('unsigned') else {}),
    )
    client = boto3.client(
        call['service'], endpoint_url=spec['endpoint'], region_name=spec['region'],
        aws_access_key_id=call.get('accessKeyId', spec['accessKeyId']),
        aws_secret_access_key=call.get('secretAccessKey', spec['secretAccessKey']), config=config,
    )
    operation_model = client.meta.service_model.operation_model(call['operation'])
    raw = {}
    client.meta.events.register('response-received.*', lambda response_dict=None, **_: raw.update(response_dict or {}))
    result = {'service': call['service'], 'operation': call['operation'], 'problems': []}
    problems = result['problems']
    expected = call.get('error')
    try:
        parsed = getattr(client, xform_name(call['operation']))(**call.get('params', {}))
    except botocore.exceptions.ClientError as error:
        err = error.response.get('Error', {})
        status = error.response.get('ResponseMetadata', {}).get('HTTPStatusCode')
        result.update(code=err.get('Code'), status=status, message=err.get('Message'))
        if expected is None:
            problems.append(f'failed: {err.get("Code")}: {err.get("Message")}')
        elif (err.get('Code'), status) != (expected['code'], expected['status']):
            problems.append(f'failed with {err.get("Code")} {status}, expected {expected["code"]} {expected["status"]}')
        if not error.response.get('ResponseMetadata', {}).get('RequestId'):
            problems.append('the error has no request id')
        return result
    except Exception as error:  # botocore could not read the reply at all
        problems.append(f'botocore could not parse the reply: {type(error).__name__}: {error}')
        return result
    if expected is not None:
        problems.append(f'succeeded, expected {expected["code"]} {expected["status"]}')
    result['status'] = parsed['ResponseMetadata']['HTTPStatusCode']
    result['reply'] = {k: v for k, v in parsed.items() if k != 'ResponseMetadata'}
    if not parsed['ResponseMetadata'].get('RequestId'):
        problems.append('the reply has no request id')
    if operation_model.output_shape is not None:
        check_parsed(operation_model.output_shape, {k: v for k, v in parsed.items() if k != 'ResponseMetadata'}, '', problems)
    walk_reply(operation_model, raw['body'], problems)
    for path in call.get('require', []):
        if not present(parsed, path.split('.')):
            problems.append(f'{path}: missing from the reply')
    return result


def main():
    spec = json.load(sys.stdin)
    # Timestamps as ISO 8601 text.
    json.dump([run_call(spec, call) for call in spec['calls']], sys.stdout, default=lambda v: v.isoformat())


main()
