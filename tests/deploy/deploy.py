"""Deploys one generated module to a moto emulator and reports what it built and who got in.

Driven by `tests/deploy.rs`, which writes a plan (JSON) holding the module's expectations, resolved by
bucketbridge's own model, and the front-door calls with the evaluator's predictions. This script does what
only a deployment can show and writes a report (JSON) for the Rust side to judge:

- `terraform` / `cloudformation`: deploy into an emulator whose account is the blueprint's, check idempotence
  (Terraform) or retention on delete (CloudFormation), read every resource back and compare it with the
  expectations, then try the front-door calls with moto's request authorization on;
- `wrong-account-terraform` / `wrong-account-cloudformation`: deploy into an emulator with another account
  and show that nothing was created, or record precisely what moto did instead.

Every emulator is a fresh `moto.server` process on a free loopback port, stopped by its PID in a `finally`.
Usage: deploy.py PLAN.json REPORT.json
"""

import copy
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import boto3
import botocore.config
import botocore.exceptions
import yaml

# Credentials the emulator accepts while its request authorization is off; never real keys.
FAKE_KEY = "AKIABUCKETBRIDGETEST"
FAKE_SECRET = "bucketbridge-deploy-test-secret"


class Report:
    """What one run found: failures name a resource and a field; skips name what moto cannot do."""

    def __init__(self):
        self.failures = []
        self.skips = []
        self.limits = []
        self.frontdoor = []
        self.steps = []

    def fail(self, resource, field, message):
        self.failures.append(f"{resource}: {field}: {message}")

    def step(self, name, started):
        self.steps.append({"step": name, "seconds": round(time.monotonic() - started, 2)})

    def to_json(self):
        return {
            "failures": self.failures,
            "skips": self.skips,
            "limits": self.limits,
            "frontdoor": self.frontdoor,
            "steps": self.steps,
        }


# ---------------------------------------------------------------- emulator


def free_loopback_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Emulator:
    """A moto server for one deployment, with `MOTO_ACCOUNT_ID` pinning every request to one account."""

    def __init__(self, account, workdir):
        self.account = account
        self.port = free_loopback_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(workdir, f"moto-{self.port}.log")
        self.process = None

    def __enter__(self):
        env = dict(os.environ, MOTO_ACCOUNT_ID=self.account)
        # Request authorization stays off until the front door switches it on through /moto-api/reset-auth.
        env.pop("INITIAL_NO_AUTH_ACTION_COUNT", None)
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto server exited with {self.process.returncode}; see {self.log_path}")
            try:
                urllib.request.urlopen(f"{self.endpoint}/moto-api/data.json", timeout=1).read()
                return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"moto server did not answer on {self.endpoint} within 30 s")
                time.sleep(0.1)

    def __exit__(self, *exc):
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()
        return False

    def client(self, service, region, key=FAKE_KEY, secret=FAKE_SECRET, token=None):
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.endpoint,
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            aws_session_token=token,
            config=botocore.config.Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
        )

    def reset_auth(self, initial_no_auth_action_count):
        """Switches moto's request authorization on after `initial_no_auth_action_count` more requests.

        This is the runtime form of the `INITIAL_NO_AUTH_ACTION_COUNT` setting, which moto's own
        `set_initial_no_auth_action_count` decorator uses in server mode; it also restarts the count.
        """
        request = urllib.request.Request(
            f"{self.endpoint}/moto-api/reset-auth",
            data=str(initial_no_auth_action_count).encode(),
            method="POST",
            # Not form-encoded (urllib's default), or Flask consumes the body as a form and moto reads nothing.
            headers={"Content-Type": "application/octet-stream"},
        )
        urllib.request.urlopen(request, timeout=5).read()


# ---------------------------------------------------------------- policies


def as_list(value):
    return value if isinstance(value, list) else [value]


def normalize_policy(document):
    """A policy document in a canonical form: order-insensitive, single values as lists, booleans as text."""
    if document is None:
        return None
    if isinstance(document, (str, bytes)):
        document = json.loads(document)
    statements = []
    for statement in as_list(document.get("Statement", [])):
        canonical = {}
        for key, value in statement.items():
            if key in ("Action", "NotAction", "Resource", "NotResource"):
                canonical[key] = sorted(set(as_list(value)))
            elif key in ("Principal", "NotPrincipal"):
                if value == "*" or value == {"AWS": "*"}:
                    canonical[key] = "*"
                else:
                    canonical[key] = {kind: sorted(set(as_list(names))) for kind, names in value.items()}
            elif key == "Condition":
                canonical[key] = {
                    operator: {
                        context_key: sorted({json.dumps(v).strip('"').lower() if isinstance(v, bool) else str(v) for v in as_list(values)})
                        for context_key, values in keys.items()
                    }
                    for operator, keys in value.items()
                }
            else:
                canonical[key] = value
        statements.append(canonical)
    statements.sort(key=lambda statement: json.dumps(statement, sort_keys=True))
    return {"Version": document.get("Version"), "Statement": statements}


def policy_difference(expected, actual):
    """None when the documents mean the same, else a short description of the first difference."""
    expected, actual = normalize_policy(expected), normalize_policy(actual)
    if expected == actual:
        return None
    if expected is None or actual is None:
        return f"expected {json.dumps(expected)}, found {json.dumps(actual)}"
    if expected["Version"] != actual["Version"]:
        return f"Version: expected {expected['Version']}, found {actual['Version']}"
    by_sid = lambda statements: {statement.get("Sid", json.dumps(statement, sort_keys=True)): statement for statement in statements}
    want, have = by_sid(expected["Statement"]), by_sid(actual["Statement"])
    for sid in sorted(set(want) | set(have)):
        if sid not in have:
            return f"statement {sid} is missing"
        if sid not in want:
            return f"unexpected statement {sid}: {json.dumps(have[sid], sort_keys=True)}"
        if want[sid] != have[sid]:
            for field in sorted(set(want[sid]) | set(have[sid])):
                if want[sid].get(field) != have[sid].get(field):
                    return f"statement {sid} {field}: expected {json.dumps(want[sid].get(field))}, found {json.dumps(have[sid].get(field))}"
    return "statements differ"


def substitute(value, replacements):
    """`value` (any JSON) with every stand-in text replaced by the deployed one."""
    text = json.dumps(value)
    for stand_in, real in replacements.items():
        text = text.replace(stand_in, real)
    return json.loads(text)


# ---------------------------------------------------------------- read-back


def error_code(error):
    return error.response.get("Error", {}).get("Code", "")


def safely(call):
    """The answer of a read-back call, or a description of the error it raised, so the comparison names it."""
    try:
        return call()
    except botocore.exceptions.ClientError as error:
        return f"<{error_code(error) or 'error'}: {error}>"


def tags_from(tag_list):
    return {tag["Key"]: tag.get("Value", "") for tag in tag_list or []}


class Skips:
    """The documented skip list of one target: (resource kind, field) -> why moto cannot show it."""

    def __init__(self, entries, report, target):
        self.entries = {(entry["kind"], entry["field"]): entry["reason"] for entry in entries if entry["target"] == target}
        self.report = report
        self.target = target

    def check(self, kind, name, field, expected, actual, same=None):
        matches = (same or (lambda a, b: a == b))(expected, actual)
        reason = self.entries.get((kind, field))
        if reason is None:
            if not matches:
                self.report.fail(f"{kind} {name}", field, f"expected {json.dumps(expected)}, found {json.dumps(actual)}")
            return
        if matches and expected in (None, False, {}, []):
            # moto's default happens to be what the model wants here; the skip applies where it is not.
            return
        if matches:
            self.report.fail(
                f"{kind} {name}",
                field,
                f"listed as skipped for {self.target} ({reason}) but moto now shows the expected value; remove the skip entry",
            )
            return
        self.report.skips.append(
            {"target": self.target, "resource": f"{kind} {name}", "field": field, "reason": reason, "found": actual}
        )


def key_replacements(kms, expect):
    """Maps each stand-in key ARN and ID of the model to the key moto created, found through its alias.

    Only listing calls are used: after a CloudFormation deployment moto fails every call on the key itself.
    """
    aliases = {alias["AliasName"]: alias.get("TargetKeyId") for alias in kms.list_aliases()["Aliases"]}
    arns = {listed["KeyId"]: listed["KeyArn"] for listed in kms.list_keys()["Keys"]}
    replacements = {}
    for key in expect["kms_keys"]:
        real_id = None
        for alias in key["aliases"]:
            real_id = aliases.get(alias) or real_id
        if real_id is None:
            # A key without an alias is found by its description, which the model makes unique.
            for listed in arns:
                if safely(lambda: kms.describe_key(KeyId=listed)["KeyMetadata"].get("Description")) == key["description"]:
                    real_id = listed
        if real_id in arns:
            replacements[key["stand_in_arn"]] = arns[real_id]
            replacements[key["stand_in_id"]] = real_id
    return replacements


def read_back(emulator, expect, report, skips):
    """Compares every resource of the module with what the emulator holds; a difference names resource and field."""
    region = expect["region"]
    s3, iam, kms = emulator.client("s3", region), emulator.client("iam", region), emulator.client("kms", region)
    replacements = key_replacements(kms, expect)
    for key in expect["kms_keys"]:
        if key["stand_in_arn"] not in replacements:
            report.fail(f"KMS key {key['description']!r}", "existence", "no key with its alias or description was created")
    expect = substitute(expect, replacements)

    buckets = {bucket["Name"] for bucket in s3.list_buckets()["Buckets"]}
    want_buckets = {bucket["name"] for bucket in expect["buckets"] + expect["prerequisite_buckets"]}
    for extra in sorted(buckets - want_buckets):
        report.fail(f"bucket {extra}", "existence", "created but not in the model")
    for bucket in expect["buckets"]:
        name = bucket["name"]
        if name not in buckets:
            report.fail(f"bucket {name}", "existence", "not created")
            continue
        read_bucket(s3, bucket, report, skips)

    roles = {role["RoleName"]: role for role in iam.list_roles()["Roles"]}
    # Roles created as prerequisites exist before the module and are not its own.
    want_roles = {role["name"] for role in expect["roles"]} | set(expect["prerequisite_roles"])
    for extra in sorted(set(roles) - want_roles):
        report.fail(f"role {extra}", "existence", "created but not in the model")
    for role in expect["roles"]:
        if role["name"] not in roles:
            report.fail(f"role {role['name']}", "existence", "not created")
            continue
        read_role(iam, role, report, skips)

    policies = {policy["PolicyName"]: policy for policy in iam.list_policies(Scope="Local")["Policies"]}
    want_policies = {policy["name"] for policy in expect["managed_policies"]}
    for extra in sorted(set(policies) - want_policies):
        report.fail(f"managed policy {extra}", "existence", "created but not in the model")
    for policy in expect["managed_policies"]:
        listed = policies.get(policy["name"])
        if listed is None:
            report.fail(f"managed policy {policy['name']}", "existence", "not created")
            continue
        read_managed_policy(iam, listed, policy, report, skips)

    profiles = {profile["InstanceProfileName"]: profile for profile in iam.list_instance_profiles()["InstanceProfiles"]}
    want_profiles = {profile["name"] for profile in expect["instance_profiles"]}
    for extra in sorted(set(profiles) - want_profiles):
        report.fail(f"instance profile {extra}", "existence", "created but not in the model")
    for profile in expect["instance_profiles"]:
        listed = profiles.get(profile["name"])
        if listed is None:
            report.fail(f"instance profile {profile['name']}", "existence", "not created")
            continue
        skips.check("instance profile", profile["name"], "roles", sorted(profile["roles"]), sorted(role["RoleName"] for role in listed["Roles"]))

    keys = [listed["KeyId"] for listed in kms.list_keys()["Keys"]]
    want_keys = {key["stand_in_id"] for key in expect["kms_keys"]}
    for extra in sorted(set(keys) - want_keys):
        report.fail(f"KMS key {extra}", "existence", "created but not in the model")
    for key in expect["kms_keys"]:
        if key["stand_in_id"] in keys:
            read_key(kms, key, report, skips)

    aliases = {alias["AliasName"]: alias for alias in kms.list_aliases()["Aliases"] if not alias["AliasName"].startswith("alias/aws/")}
    want_aliases = {alias["name"] for alias in expect["kms_aliases"]}
    for extra in sorted(set(aliases) - want_aliases):
        report.fail(f"KMS alias {extra}", "existence", "created but not in the model")
    for alias in expect["kms_aliases"]:
        listed = aliases.get(alias["name"])
        if listed is None:
            report.fail(f"KMS alias {alias['name']}", "existence", "not created")
            continue
        skips.check("KMS alias", alias["name"], "target key", alias["target_key_arn"].rsplit("/", 1)[-1], listed.get("TargetKeyId"))
    return replacements


def s3_setting(call, missing_codes):
    """The answer of an S3 getter, or None when S3 says the setting is absent."""
    try:
        return call()
    except botocore.exceptions.ClientError as error:
        if error_code(error) in missing_codes:
            return None
        raise


def read_bucket(s3, bucket, report, skips):
    name = bucket["name"]
    encryption = s3_setting(
        lambda: s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"][0],
        {"ServerSideEncryptionConfigurationNotFoundError"},
    )
    found, bucket_key = None, None
    if encryption is not None:
        default = encryption.get("ApplyServerSideEncryptionByDefault", {})
        found = {"sse_algorithm": default.get("SSEAlgorithm"), "kms_master_key_id": default.get("KMSMasterKeyID")}
        bucket_key = bool(encryption.get("BucketKeyEnabled", False))
    wanted = dict(bucket["encryption"])
    skips.check("bucket", name, "bucket key", wanted.pop("bucket_key_enabled"), bucket_key)
    skips.check("bucket", name, "encryption", wanted, found)

    block = s3_setting(
        lambda: s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"], {"NoSuchPublicAccessBlockConfiguration"}
    )
    skips.check("bucket", name, "public access block", bucket["public_access_block"], block)

    ownership = s3_setting(
        lambda: s3.get_bucket_ownership_controls(Bucket=name)["OwnershipControls"]["Rules"][0]["ObjectOwnership"],
        {"OwnershipControlsNotFoundError"},
    )
    skips.check("bucket", name, "object ownership", bucket["object_ownership"], ownership)

    versioning = s3.get_bucket_versioning(Bucket=name).get("Status")
    skips.check("bucket", name, "versioning", "Enabled" if bucket["versioning"] else None, versioning)

    logging = s3.get_bucket_logging(Bucket=name).get("LoggingEnabled")
    if logging is not None:
        logging = {"target_bucket": logging.get("TargetBucket"), "target_prefix": logging.get("TargetPrefix")}
    skips.check("bucket", name, "logging", bucket["logging"], logging)

    policy = s3_setting(lambda: s3.get_bucket_policy(Bucket=name)["Policy"], {"NoSuchBucketPolicy"})
    difference = policy_difference(bucket["policy"], policy)
    skips.check("bucket", name, "bucket policy", None, difference)

    tags = s3_setting(lambda: tags_from(s3.get_bucket_tagging(Bucket=name)["TagSet"]), {"NoSuchTagSet"}) or {}
    skips.check("bucket", name, "tags", bucket["tags"], tags)


def read_role(iam, role, report, skips):
    name = role["name"]
    found = iam.get_role(RoleName=name)["Role"]
    skips.check("role", name, "trust policy", None, policy_difference(role["trust_policy"], found["AssumeRolePolicyDocument"]))
    skips.check("role", name, "description", role["description"], found.get("Description"))
    skips.check("role", name, "max session duration", role["max_session_duration"], found.get("MaxSessionDuration"))
    skips.check("role", name, "tags", role["tags"], tags_from(iam.list_role_tags(RoleName=name)["Tags"]))
    attached = sorted(policy["PolicyName"] for policy in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"])
    skips.check("role", name, "attached policies", sorted(role["attached_policies"]), attached)
    skips.check("role", name, "inline policies", [], iam.list_role_policies(RoleName=name)["PolicyNames"])


def read_managed_policy(iam, listed, policy, report, skips):
    name = policy["name"]
    version = iam.get_policy_version(PolicyArn=listed["Arn"], VersionId=listed["DefaultVersionId"])["PolicyVersion"]
    skips.check("managed policy", name, "document", None, policy_difference(policy["document"], version["Document"]))
    described = iam.get_policy(PolicyArn=listed["Arn"])["Policy"]
    skips.check("managed policy", name, "description", policy["description"], described.get("Description"))
    skips.check("managed policy", name, "tags", policy["tags"], tags_from(iam.list_policy_tags(PolicyArn=listed["Arn"])["Tags"]))
    entities = iam.list_entities_for_policy(PolicyArn=listed["Arn"])
    skips.check("managed policy", name, "attached roles", sorted(policy["attached_roles"]), sorted(role["RoleName"] for role in entities["PolicyRoles"]))


def read_key(kms, key, report, skips):
    key_id = key["stand_in_id"]
    name = key["description"]
    metadata = safely(lambda: kms.describe_key(KeyId=key_id)["KeyMetadata"])
    skips.check("KMS key", name, "description", key["description"], metadata.get("Description") if isinstance(metadata, dict) else metadata)
    skips.check("KMS key", name, "state", "Enabled", metadata.get("KeyState") if isinstance(metadata, dict) else metadata)
    skips.check("KMS key", name, "rotation", key["rotation"], safely(lambda: kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"]))
    policy = safely(lambda: kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
    failed = isinstance(policy, str) and policy.startswith("<")
    skips.check("KMS key", name, "key policy", None, policy if failed else policy_difference(key["policy"], policy))
    tags = safely(lambda: {tag["TagKey"]: tag["TagValue"] for tag in kms.list_resource_tags(KeyId=key_id)["Tags"]})
    skips.check("KMS key", name, "tags", key["tags"], tags)


def create_prerequisites(emulator, expect):
    """Creates what the module expects to exist already: roles it attaches policies to and log buckets it does not create.

    Each gets the log-delivery policy the S3 guide asks the owner to set, written with single values because
    moto's `PutBucketLogging` check only recognizes that shape.
    """
    region = expect["region"]
    iam = emulator.client("iam", region)
    for role in expect["prerequisite_roles"]:
        # The cluster manager's node role is an EC2 instance role in its own account.
        trust = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
        }
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust))
    s3 = emulator.client("s3", region)
    for bucket in expect["prerequisite_buckets"]:
        arguments = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        s3.create_bucket(Bucket=bucket["name"], **arguments)
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AllowServerAccessLogDelivery",
                    "Effect": "Allow",
                    "Principal": {"Service": "logging.s3.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": f"arn:{expect['partition']}:s3:::{bucket['name']}/{bucket['log_prefix']}*",
                }
            ],
        }
        s3.put_bucket_policy(Bucket=bucket["name"], Policy=json.dumps(policy))


def nothing_created(emulator, expect, report, target):
    """Shows that a refused deployment left the emulator without any bucket, role, policy, key or alias."""
    region = expect["region"]
    s3, iam, kms = emulator.client("s3", region), emulator.client("iam", region), emulator.client("kms", region)
    found = {
        "buckets": [
            bucket["Name"]
            for bucket in s3.list_buckets()["Buckets"]
            if bucket["Name"] not in {prerequisite["name"] for prerequisite in expect["prerequisite_buckets"]}
        ],
        "roles": [role["RoleName"] for role in iam.list_roles()["Roles"] if role["RoleName"] not in expect["prerequisite_roles"]],
        "managed policies": [policy["PolicyName"] for policy in iam.list_policies(Scope="Local")["Policies"]],
        "KMS keys": [key["KeyId"] for key in kms.list_keys()["Keys"]],
        "KMS aliases": [alias["AliasName"] for alias in kms.list_aliases()["Aliases"] if not alias["AliasName"].startswith("alias/aws/")],
    }
    for kind, names in found.items():
        if names:
            report.fail(f"{target} wrong-account deployment", kind, f"created {names} in account {emulator.account}")
    return found


# ---------------------------------------------------------------- terraform


def terraform_env():
    # No user CLI configuration, no update checks over the network, output for machines.
    return dict(os.environ, TF_CLI_CONFIG_FILE="/dev/null", CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1", TF_INPUT="0")


def terraform_root(plan, emulator, workdir):
    """A root module that calls the generated module with a provider pointed at the emulator."""
    module = plan["expect"]["module"]
    root = os.path.join(workdir, "root")
    os.makedirs(os.path.join(root, module))
    for entry in sorted(os.listdir(plan["terraform_module"])):
        if entry.endswith(".tf"):
            shutil.copy(os.path.join(plan["terraform_module"], entry), os.path.join(root, module, entry))
    endpoints = "\n".join(f'    {service} = "{emulator.endpoint}"' for service in ("s3", "iam", "sts", "kms"))
    with open(os.path.join(root, "main.tf"), "w") as main:
        main.write(
            f"""# Written by tests/deploy/deploy.py: calls the generated module against a moto emulator.
provider "aws" {{
  region                      = "{plan['expect']['region']}"
  access_key                  = "{FAKE_KEY}"
  secret_key                  = "{FAKE_SECRET}"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  # The module's account guard reads the caller identity, so the provider must ask the emulator for it.
  skip_requesting_account_id = false
  s3_use_path_style          = true

  endpoints {{
{endpoints}
  }}
}}

module "{module}" {{
  source = "./{module}"
}}
"""
        )
    return root


def terraform(plan, root, *args):
    command = [plan["terraform"], *args, "-no-color"]
    return subprocess.run(command, cwd=root, env=terraform_env(), capture_output=True, text=True, timeout=600)


def terraform_init(plan, root, report):
    started = time.monotonic()
    init = terraform(plan, root, "init", "-backend=false", "-input=false", f"-plugin-dir={plan['plugin_dir']}")
    report.step("terraform init", started)
    if init.returncode != 0:
        report.fail("terraform", "init", init.stdout + init.stderr)
        return False
    return True


def deploy_terraform(plan, report, workdir):
    expect = plan["expect"]
    with Emulator(expect["account"], workdir) as emulator:
        create_prerequisites(emulator, expect)
        root = terraform_root(plan, emulator, workdir)
        if not terraform_init(plan, root, report):
            return
        started = time.monotonic()
        apply = terraform(plan, root, "apply", "-auto-approve", "-input=false")
        report.step("terraform apply", started)
        if apply.returncode != 0:
            report.fail("terraform", "apply", apply.stdout[-4000:] + apply.stderr)
            return
        started = time.monotonic()
        again = terraform(plan, root, "plan", "-detailed-exitcode", "-input=false")
        report.step("terraform plan (idempotence)", started)
        if again.returncode == 2:
            changes = [line for line in again.stdout.splitlines() if line.strip().startswith("#")]
            report.fail("terraform", "idempotence", "a second plan right after apply wants changes:\n" + "\n".join(changes) + "\n" + again.stdout[-3000:])
        elif again.returncode != 0:
            report.fail("terraform", "idempotence", "the second plan failed:\n" + again.stdout[-3000:] + again.stderr)

        started = time.monotonic()
        skips = Skips(plan["skips"], report, "terraform")
        replacements = read_back(emulator, expect, report, skips)
        report.step("read-back", started)

        started = time.monotonic()
        # The refresh is skipped: the plan above has just compared the state with the emulator, and the refusal
        # comes from planning the destroy, before any call.
        destroy = terraform(plan, root, "destroy", "-auto-approve", "-input=false", "-refresh=false")
        report.step("terraform destroy (refused)", started)
        output = destroy.stdout + destroy.stderr
        keeps_data = bool(expect["buckets"] or expect["kms_keys"])
        if not keeps_data:
            # A module with no bucket or key (an instance role on existing buckets, the cluster manager's policy)
            # holds no data, so nothing stops its destroy; it must then remove everything it created.
            if destroy.returncode != 0:
                report.fail("terraform", "destroy", "destroy of a module that holds no data failed:\n" + output[-3000:])
            report.step("terraform destroy (allowed: no data)", started)
            return
        if destroy.returncode == 0:
            report.fail("terraform", "destroy", "destroy succeeded, but buckets and keys carry prevent_destroy")
        for address in [bucket["terraform_address"] for bucket in expect["buckets"]] + [key["terraform_address"] for key in expect["kms_keys"]]:
            full = f"module.{expect['module']}.{address}"
            if f"Resource {full} has lifecycle.prevent_destroy set" not in output:
                report.fail(full, "prevent_destroy", "destroy was not refused for it:\n" + output[-3000:])
        # A refused destroy is refused as a whole: everything must still be there, unchanged.
        started = time.monotonic()
        read_back(emulator, expect, report, Skips(plan["skips"], Report(), "terraform"))
        report.step("read-back after refused destroy", started)

        tls_deny_probe(emulator, expect, report)


def tls_deny_probe(emulator, expect, report):
    """Records why the front door runs after the CloudFormation deployment only.

    moto 5.2.1 enforces a bucket policy's Deny statements on object requests with every condition treated as
    met (`FakeBucket.get_permission` without request values), so the TLS deny refuses every object request,
    the owner's included. This probe shows it is still so: if moto starts letting the owner's upload through,
    the front door can run after the Terraform deployment too, and this fails to say so.
    """
    bucket = next((bucket for bucket in expect["buckets"] if bucket["policy"] is not None), None)
    if bucket is None:
        return
    outcome, detail = attempt(lambda: emulator.client("s3", expect["region"]).put_object(Bucket=bucket["name"], Key="probe", Body=b"probe"))
    if outcome == "allowed":
        report.fail("front door", "bucket policy in moto", "moto now lets the owner's upload through the bucket policy; run the front door after Terraform too")
    else:
        report.limits.append(
            {
                "limit": "BucketPolicyDeny",
                "observed": f"after the Terraform deployment moto refuses the owner's PutObject on {bucket['name']} ({detail}): "
                "it applies DenyInsecureTransport with its condition treated as met, so the front door runs after the CloudFormation deployment",
            }
        )


def wrong_account_terraform(plan, report, workdir):
    expect = plan["expect"]
    with Emulator(plan["wrong_account"], workdir) as emulator:
        root = terraform_root(plan, emulator, workdir)
        if not terraform_init(plan, root, report):
            return
        started = time.monotonic()
        apply = terraform(plan, root, "apply", "-auto-approve", "-input=false")
        report.step("terraform apply (wrong account)", started)
        output = apply.stdout + apply.stderr
        guard = f"This module is generated for AWS account {expect['account']}"
        if apply.returncode == 0:
            report.fail("terraform", "account guard", f"apply into account {emulator.account} succeeded")
        elif guard not in output:
            report.fail("terraform", "account guard", f"apply failed, but not with the guard's message {guard!r}:\n{output[-3000:]}")
        nothing_created(emulator, expect, report, "terraform")


# ---------------------------------------------------------------- cloudformation


class CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation's short-form tags (`!Ref x`) as their long form (`{"Ref": "x"}`)."""


def _cfn_tag(loader, suffix, node):
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


CfnLoader.add_multi_constructor("!", _cfn_tag)
# Keep dates such as 2010-09-09 as text, as CloudFormation does.
CfnLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in CfnLoader.yaml_implicit_resolvers.items()
}


def load_template(path):
    with open(path) as file:
        return yaml.load(file, Loader=CfnLoader)


def evaluate_rules(template, account, region):
    """Evaluates the template's Rules as CloudFormation does before it creates anything.

    Only what bucketbridge writes is understood: `Fn::Equals` of `Ref` to `AWS::AccountId` or `AWS::Region`
    and a literal. Returns the failed assertions' descriptions; raises on anything else.
    """
    pseudo = {"AWS::AccountId": account, "AWS::Region": region}

    def resolve(value):
        if isinstance(value, dict) and set(value) == {"Ref"} and value["Ref"] in pseudo:
            return pseudo[value["Ref"]]
        if isinstance(value, str):
            return value
        raise ValueError(f"unsupported value in a rule assertion: {value!r}")

    failed = []
    for name, rule in (template.get("Rules") or {}).items():
        if "RuleCondition" in rule:
            raise ValueError(f"rule {name} has a RuleCondition, which this check does not evaluate")
        for assertion in rule["Assertions"]:
            (function, arguments), = assertion["Assert"].items()
            if function != "Fn::Equals":
                raise ValueError(f"rule {name} uses {function}, which this check does not evaluate")
            left, right = (resolve(argument) for argument in arguments)
            if left != right:
                failed.append(assertion.get("AssertDescription", f"rule {name}"))
    return failed


def guard_assertions(template):
    """The (pseudo parameter, value) pairs the template's Rules require."""
    pairs = []
    for rule in (template.get("Rules") or {}).values():
        for assertion in rule.get("Assertions", []):
            arguments = assertion["Assert"].get("Fn::Equals", [])
            refs = [argument["Ref"] for argument in arguments if isinstance(argument, dict) and "Ref" in argument]
            literals = [argument for argument in arguments if isinstance(argument, str)]
            if len(refs) == 1 and len(literals) == 1:
                pairs.append((refs[0], literals[0]))
    return pairs


def create_stack(emulator, plan, template_body, stack_name, report):
    """Creates the stack and waits for it; returns its final status and the reason moto gave."""
    cfn = emulator.client("cloudformation", plan["expect"]["region"])
    try:
        cfn.create_stack(StackName=stack_name, TemplateBody=template_body, Capabilities=["CAPABILITY_NAMED_IAM"])
    except botocore.exceptions.ClientError as error:
        return "REFUSED", str(error)
    except (botocore.exceptions.BotoCoreError, botocore.parsers.ResponseParserError) as error:
        # moto answers a failed mapping lookup with HTTP 500 (its KeyError), which botocore cannot parse;
        # CloudFormation answers it with a ValidationError ("Unable to get mapping").
        return "REFUSED", f"{type(error).__name__}: {error}"
    deadline = time.monotonic() + 120
    while True:
        stack = cfn.describe_stacks(StackName=stack_name)["Stacks"][0]
        if not stack["StackStatus"].endswith("_IN_PROGRESS"):
            return stack["StackStatus"], stack.get("StackStatusReason", "")
        if time.monotonic() > deadline:
            return stack["StackStatus"], "timed out waiting for the stack"
        time.sleep(0.2)


def without_skipped_properties(template, plan):
    """The template minus the properties the skip list says moto cannot create, and the list of what was removed."""
    template = copy.deepcopy(template)
    removed = []
    for entry in plan["cfn_strip"]:
        for logical_id, resource in template["Resources"].items():
            if resource["Type"] == entry["type"] and entry["property"] in resource.get("Properties", {}):
                del resource["Properties"][entry["property"]]
                removed.append({"resource": logical_id, "property": entry["property"], "reason": entry["reason"]})
    return template, removed


def stacks_of(plan):
    """(stack name, template) in deploy order: the module's one template, or the stacks of a split module."""
    expect = plan["expect"]
    base = f"bucketbridge-{expect['blueprint']}-{expect['module']}"
    if not plan.get("templates"):
        return [(base, load_template(plan["template"]))]
    return [(f"{base}-{number}", load_template(path)) for number, path in enumerate(plan["templates"], start=1)]


def delete_stack(cfn, stack_name, report):
    try:
        cfn.delete_stack(StackName=stack_name)
    except botocore.exceptions.ClientError as error:
        if error_code(error) != "DeleteConflict":
            raise
        # moto deletes a role before detaching its managed policies and stops there; CloudFormation orders
        # the deletion by the template's references. Record it and ask again, as an operator would.
        report.limits.append({"limit": "DeleteConflict", "observed": f"first delete_stack of {stack_name}: {error}"})
        cfn.delete_stack(StackName=stack_name)
    stacks = cfn.describe_stacks()["Stacks"]
    if any(stack["StackName"] == stack_name and stack["StackStatus"] != "DELETE_COMPLETE" for stack in stacks):
        report.fail(f"stack {stack_name}", "delete", json.dumps([stack["StackStatus"] for stack in stacks]))


def deploy_cloudformation(plan, report, workdir):
    expect = plan["expect"]
    stacks = stacks_of(plan)
    with Emulator(expect["account"], workdir) as emulator:
        create_prerequisites(emulator, expect)
        # A split module's stacks are created in their order and deleted in the reverse order, as its README says.
        for stack_name, template in stacks:
            body, removed = without_skipped_properties(template, plan)
            for entry in removed:
                report.skips.append(
                    {"target": "cloudformation", "resource": entry["resource"], "field": f"property {entry['property']} (removed before create_stack)", "reason": entry["reason"], "found": None}
                )
            failed = evaluate_rules(template, expect["account"], expect["region"])
            if failed:
                report.fail("cloudformation", "Rules", f"{stack_name}: the template's own Rules reject its blueprint account and region: {failed}")
            started = time.monotonic()
            status, reason = create_stack(emulator, plan, json.dumps(body), stack_name, report)
            report.step(f"create_stack {stack_name}" if len(stacks) > 1 else "create_stack", started)
            if status != "CREATE_COMPLETE":
                report.fail(f"stack {stack_name}", "status", f"{status}: {reason}")
                return
        started = time.monotonic()
        skips = Skips(plan["skips"], report, "cloudformation")
        replacements = read_back(emulator, expect, report, skips)
        report.step("read-back", started)

        if plan.get("frontdoor"):
            started = time.monotonic()
            front_door(emulator, plan, replacements, report)
            report.step("front door", started)
            # The front door leaves request authorization on; the retention check needs it off again.
            emulator.reset_auth(float("inf"))

        started = time.monotonic()
        cfn = emulator.client("cloudformation", expect["region"])
        for stack_name, _ in reversed(stacks):
            delete_stack(cfn, stack_name, report)
        report.step("delete_stack", started)
        retained(emulator, expect, replacements, report)


def retained(emulator, expect, replacements, report):
    """After the stack is deleted: retained buckets and keys are still there, everything else is gone."""
    region = expect["region"]
    s3, iam, kms = emulator.client("s3", region), emulator.client("iam", region), emulator.client("kms", region)
    buckets = {bucket["Name"] for bucket in s3.list_buckets()["Buckets"]}
    for bucket in expect["buckets"]:
        if bucket["retain"] and bucket["name"] not in buckets:
            report.fail(f"bucket {bucket['name']}", "DeletionPolicy Retain", "deleted with the stack")
        if not bucket["retain"] and bucket["name"] in buckets:
            report.fail(f"bucket {bucket['name']}", "deletion", "kept although the model does not retain it")
    keys = {listed["KeyArn"] for listed in kms.list_keys()["Keys"]}
    for key in expect["kms_keys"]:
        real = replacements.get(key["stand_in_arn"])
        if key["retain"] and real not in keys:
            report.fail(f"KMS key {key['description']!r}", "DeletionPolicy Retain", "deleted with the stack")
        # A key scheduled for deletion is still listed; its state says whether it was kept.
        state = safely(lambda: kms.describe_key(KeyId=real)["KeyMetadata"]["KeyState"]) if real else None
        if state == "PendingDeletion":
            report.fail(f"KMS key {key['description']!r}", "DeletionPolicy Retain", "scheduled for deletion with the stack")
    # What the template does not retain should be gone; moto 5.2.1 leaves roles and policies (see limits).
    left = sorted({role["RoleName"] for role in iam.list_roles()["Roles"]} & {role["name"] for role in expect["roles"]})
    left += sorted({policy["PolicyName"] for policy in iam.list_policies(Scope="Local")["Policies"]} & {policy["name"] for policy in expect["managed_policies"]})
    if left:
        report.limits.append({"limit": "DeleteConflict", "observed": f"after delete_stack moto still holds the unretained {left}"})


def mapping_guard(template):
    """The (top-level key, account) pairs of the template's BlueprintTarget mapping, and the condition's lookup."""
    mapping = (template.get("Mappings") or {}).get("BlueprintTarget") or {}
    pairs = {(top, account) for top, row in mapping.items() for account, value in row.items() if value == "deploy"}
    condition = (template.get("Conditions") or {}).get("DeployedWhereTheBlueprintSays")
    return pairs, condition


def wrong_account_cloudformation(plan, report, workdir):
    """CloudFormation has two guards: the template's Rules, which moto does not evaluate (so they are evaluated
    here, as CloudFormation documents them), and a condition that looks the account and region up in the
    template's Mappings, which both CloudFormation and moto evaluate before creating anything."""
    expect = plan["expect"]
    template = load_template(plan["template"])
    wanted = {("AWS::AccountId", expect["account"])}
    if expect["guards_region"]:
        wanted.add(("AWS::Region", expect["region"]))
    missing = wanted - set(guard_assertions(template))
    if missing:
        report.fail("cloudformation", "Rules", f"the template lacks the guard assertions {sorted(missing)}")
    failed = evaluate_rules(template, plan["wrong_account"], expect["region"])
    if not failed:
        report.fail("cloudformation", "Rules", f"the template's Rules accept account {plan['wrong_account']}")
    pairs, condition = mapping_guard(template)
    top = expect["region"] if expect["guards_region"] else "AnyRegion"
    if pairs != {(top, expect["account"])}:
        report.fail("cloudformation", "Mappings", f"BlueprintTarget should allow exactly {(top, expect['account'])}, not {sorted(pairs)}")
    if condition is None:
        report.fail("cloudformation", "Conditions", "the template has no DeployedWhereTheBlueprintSays condition")
    with Emulator(plan["wrong_account"], workdir) as emulator:
        # The wrong account has the same prerequisites as the right one, so only the account differs.
        create_prerequisites(emulator, expect)
        body, _ = without_skipped_properties(template, plan)
        started = time.monotonic()
        stack_name = f"bucketbridge-{expect['blueprint']}-{expect['module']}-wrong-account"
        status, reason = create_stack(emulator, plan, json.dumps(body), stack_name, report)
        report.step("create_stack (wrong account)", started)
        if status == "CREATE_COMPLETE":
            report.fail("cloudformation", "account guard", f"moto created stack {stack_name} in account {emulator.account}")
        else:
            nothing_created(emulator, expect, report, "cloudformation")
        # The control: the same template without the mapping guard is created in the wrong account, so the
        # refusal above came from the guard and not from anything else about the template or the emulator.
        unguarded = copy.deepcopy(body)
        unguarded.pop("Mappings", None)
        unguarded.pop("Conditions", None)
        unguarded.get("Outputs", {}).pop("BlueprintTarget", None)
        started = time.monotonic()
        control_status, control_reason = create_stack(emulator, plan, json.dumps(unguarded), f"{stack_name}-unguarded", report)
        report.step("create_stack (wrong account, without the mapping guard)", started)
        if control_status != "CREATE_COMPLETE":
            report.fail(
                "cloudformation",
                "account guard",
                f"the template without its mapping guard is refused too ({control_status}: {control_reason[:300]}), so the refusal does not show the guard works",
            )
        # What moto did, and that its refusal came from the mapping lookup rather than the Rules, which it ignores.
        report.limits.append(
            {
                "limit": "Rules",
                "observed": f"moto refused stack {stack_name} ({status}: {reason[:200]}); it does not evaluate Rules, "
                f"which CloudFormation would stop at first: {'; '.join(failed)}",
            }
        )


# ---------------------------------------------------------------- front door


def attempt(call):
    """Runs one boto3 call: ("allowed", detail) or ("denied", error code)."""
    try:
        return "allowed", call()
    except botocore.exceptions.ClientError as error:
        code = error_code(error)
        if code in ("AccessDenied", "AccessDeniedException", "InvalidClientTokenId", "InvalidAccessKeyId", "403"):
            return "denied", code
        return "error", f"{code}: {error}"


def front_door(emulator, plan, replacements, report):
    """Acts as each client: an IAM user assumes its role with the external ID and tries every S3 operation.

    Set-up runs with moto's request authorization off for exactly as many requests as it makes
    (`INITIAL_NO_AUTH_ACTION_COUNT`); a probe right after proves authorization is on.
    """
    expect = plan["expect"]
    door = substitute(plan["frontdoor"], replacements)
    region = expect["region"]
    owner_s3 = emulator.client("s3", region)
    iam = emulator.client("iam", region)

    setup = []  # Each entry is one request to the emulator.
    sessions = {}
    uploads = {}
    users = {}

    def user_setup(client):
        def create_user():
            iam.create_user(UserName=client["user_name"])

        def put_policy():
            iam.put_user_policy(UserName=client["user_name"], PolicyName="AssumeBucketRole", PolicyDocument=json.dumps(client["assume_role_policy"]))

        def create_key():
            key = iam.create_access_key(UserName=client["user_name"])["AccessKey"]
            users[client["name"]] = (key["AccessKeyId"], key["SecretAccessKey"])

        def assume():
            key, secret = users[client["name"]]
            sts = emulator.client("sts", region, key, secret)
            credentials = sts.assume_role(RoleArn=client["role_arn"], RoleSessionName=client["session_name"], ExternalId=client["external_id"])["Credentials"]
            sessions[client["name"]] = credentials

        return [create_user, put_policy, create_key, assume]

    for client in door["clients"]:
        setup.extend(user_setup(client))
    for seed in door["seed_objects"]:
        setup.append(lambda seed=seed: owner_s3.put_object(Bucket=seed["bucket"], Key=seed["key"], Body=b"seed"))
    for seed in door["seed_uploads"]:
        def start(seed=seed):
            upload = owner_s3.create_multipart_upload(Bucket=seed["bucket"], Key=seed["key"])["UploadId"]
            uploads[seed["id"]] = {"UploadId": upload, "Bucket": seed["bucket"], "Key": seed["key"]}

        def part(seed=seed):
            upload = uploads[seed["id"]]
            etag = owner_s3.upload_part(Bucket=upload["Bucket"], Key=upload["Key"], UploadId=upload["UploadId"], PartNumber=1, Body=b"seed part")["ETag"]
            upload["ETag"] = etag

        setup.extend([start, part])

    emulator.reset_auth(len(setup))
    for request in setup:
        request()

    # The probe: a user without any S3 permission lists all buckets. Denied means authorization is on.
    first = door["clients"][0]["name"]
    probe = emulator.client("s3", region, *users[first])
    outcome, detail = attempt(lambda: probe.list_buckets())
    if outcome != "denied":
        report.fail("front door", "request authorization", f"the probe after {len(setup)} set-up requests was {outcome}, so moto's authorization is not on")
        return

    for call in door["calls"]:
        client = call["client"]
        if call["op"] == "assume_role":
            key, secret = users[client]
            caller = emulator.client("sts", region, key, secret)
        else:
            credentials = sessions[client]
            caller = emulator.client("s3", region, credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"])
        outcome, detail = attempt(lambda: perform(caller, call, uploads))
        report.frontdoor.append({"id": call["id"], "outcome": outcome, "detail": detail if outcome != "allowed" else ""})


def perform(caller, call, uploads):
    p = call["params"]
    op = call["op"]
    sse = {}
    if p.get("sse"):
        sse["ServerSideEncryption"] = p["sse"]
    if p.get("sse_kms_key_id"):
        sse["SSEKMSKeyId"] = p["sse_kms_key_id"]
    if op == "assume_role":
        extra = {"ExternalId": p["external_id"]} if p.get("external_id") is not None else {}
        caller.assume_role(RoleArn=p["role_arn"], RoleSessionName="frontdoor-probe", **extra)
    elif op == "put_object":
        caller.put_object(Bucket=p["bucket"], Key=p["key"], Body=b"front door", **sse)
    elif op == "get_object":
        caller.get_object(Bucket=p["bucket"], Key=p["key"])["Body"].read()
    elif op == "list_objects_v2":
        caller.list_objects_v2(Bucket=p["bucket"], **({"Prefix": p["prefix"]} if p.get("prefix") is not None else {}))
    elif op == "delete_object":
        caller.delete_object(Bucket=p["bucket"], Key=p["key"])
    elif op == "get_bucket_location":
        caller.get_bucket_location(Bucket=p["bucket"])
    elif op == "create_multipart_upload":
        caller.create_multipart_upload(Bucket=p["bucket"], Key=p["key"], **sse)
    elif op == "upload_part":
        upload = uploads[p["upload"]]
        upload["ETag"] = caller.upload_part(Bucket=upload["Bucket"], Key=upload["Key"], UploadId=upload["UploadId"], PartNumber=1, Body=b"front door part")["ETag"]
    elif op == "list_parts":
        upload = uploads[p["upload"]]
        caller.list_parts(Bucket=upload["Bucket"], Key=upload["Key"], UploadId=upload["UploadId"])
    elif op == "list_multipart_uploads":
        caller.list_multipart_uploads(Bucket=p["bucket"], **({"Prefix": p["prefix"]} if p.get("prefix") is not None else {}))
    elif op == "complete_multipart_upload":
        upload = uploads[p["upload"]]
        caller.complete_multipart_upload(
            Bucket=upload["Bucket"], Key=upload["Key"], UploadId=upload["UploadId"], MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": upload["ETag"]}]}
        )
    elif op == "abort_multipart_upload":
        upload = uploads[p["upload"]]
        caller.abort_multipart_upload(Bucket=upload["Bucket"], Key=upload["Key"], UploadId=upload["UploadId"])
    else:
        raise ValueError(f"unknown front-door operation {op}")


# ---------------------------------------------------------------- main

MODES = {
    "terraform": deploy_terraform,
    "cloudformation": deploy_cloudformation,
    "wrong-account-terraform": wrong_account_terraform,
    "wrong-account-cloudformation": wrong_account_cloudformation,
}


def main():
    plan_path, report_path = sys.argv[1:3]
    with open(plan_path) as file:
        plan = json.load(file)
    report = Report()
    # SIGTERM (a killed test run) unwinds through the `finally` blocks, which stop the emulator.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = tempfile.mkdtemp(prefix="bucketbridge-deploy-")
    started = time.monotonic()
    try:
        MODES[plan["mode"]](plan, report, workdir)
    except Exception as error:  # The report must say what broke, whatever it was.
        import traceback

        report.fail(plan["mode"], "harness", "".join(traceback.format_exception(error)))
    finally:
        report.step("total", started)
        if report.failures and os.environ.get("BUCKETBRIDGE_DEPLOY_KEEP"):
            report.steps.append({"step": f"kept {workdir}", "seconds": 0})
        else:
            shutil.rmtree(workdir, ignore_errors=True)
        with open(report_path, "w") as file:
            json.dump(report.to_json(), file, indent=2)


if __name__ == "__main__":
    main()
