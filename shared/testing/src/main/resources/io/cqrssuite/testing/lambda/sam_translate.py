"""Translates an AWS SAM template into the CloudFormation SAM would deploy, with the real aws-sam-translator.

Local CodeUri/DefinitionUri paths are rewritten to s3:// URIs first, as `sam package` would upload them. The
translator needs a region (AWS_DEFAULT_REGION) but no credentials: no managed policy is looked up by name.
Usage: python3 sam_translate.py TEMPLATE > translated.json
"""
import json
import os
import sys

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

from samtranslator.model.exceptions import InvalidDocumentException  # noqa: E402
from samtranslator.translator.transform import transform  # noqa: E402
from samtranslator.yaml_helper import yaml_parse  # noqa: E402

with open(sys.argv[1], encoding="utf-8") as f:
    template = yaml_parse(f.read())
for resource in template.get("Resources", {}).values():
    properties = resource.get("Properties", {})
    for field in ("CodeUri", "DefinitionUri"):
        value = properties.get(field)
        if isinstance(value, str) and not value.startswith("s3://"):
            properties[field] = "s3://sam-package-bucket/" + os.path.basename(value)
try:
    translated = transform(template, {}, None)
except InvalidDocumentException as e:
    print("\n".join(str(cause) for cause in e.causes), file=sys.stderr)
    sys.exit(2)
json.dump(translated, sys.stdout, indent=1, sort_keys=False)
