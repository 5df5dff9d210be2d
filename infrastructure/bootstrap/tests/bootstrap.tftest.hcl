mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "111122223333"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }

  mock_resource "aws_iam_openid_connect_provider" {
    defaults = {
      arn = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
    }
  }

  mock_resource "aws_s3_bucket" {
    defaults = {
      arn = "arn:aws:s3:::crm-terraform-state-111122223333-us-east-1"
    }
  }

  mock_data "aws_region" {
    defaults = {
      name = "us-east-1"
    }
  }

  mock_resource "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::111122223333:role/mocked"
    }
  }
}

variables {
  github_repository = "example-org/crm"
}

run "state_bucket" {
  command = apply

  assert {
    condition     = output.state_bucket == "crm-terraform-state-111122223333-us-east-1"
    error_message = "state bucket name must carry account and region"
  }

  assert {
    condition     = aws_s3_bucket_versioning.state.versioning_configuration[0].status == "Enabled"
    error_message = "state bucket must be versioned"
  }

  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.state.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms"
    error_message = "state bucket must be encrypted"
  }

  assert {
    condition     = aws_s3_bucket_public_access_block.state.block_public_policy && aws_s3_bucket_public_access_block.state.restrict_public_buckets
    error_message = "state bucket must block public access"
  }

  assert {
    condition     = jsondecode(aws_s3_bucket_policy.state.policy).Statement[0].Condition.Bool["aws:SecureTransport"] == "false" && jsondecode(aws_s3_bucket_policy.state.policy).Statement[0].Effect == "Deny"
    error_message = "state bucket must deny plain HTTP"
  }
}

run "github_oidc_and_terraform_roles" {
  command = apply

  assert {
    condition     = aws_iam_openid_connect_provider.github[0].url == "https://token.actions.githubusercontent.com" && aws_iam_openid_connect_provider.github[0].client_id_list == toset(["sts.amazonaws.com"])
    error_message = "GitHub OIDC provider must use the actions issuer and the STS audience"
  }

  assert {
    condition     = jsondecode(aws_iam_role.terraform["plan"].assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:example-org/crm:pull_request"
    error_message = "plan role must trust pull requests of the repository only"
  }

  assert {
    condition     = jsondecode(aws_iam_role.terraform["apply"].assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:example-org/crm:environment:infrastructure"
    error_message = "apply role must trust the protected infrastructure environment only"
  }

  assert {
    condition     = aws_iam_role_policy_attachment.plan_read_only.policy_arn == "arn:aws:iam::aws:policy/ReadOnlyAccess"
    error_message = "plan role must be read-only"
  }
}

run "backup_bucket" {
  command = apply

  module {
    source = "../modules/backup-bucket"
  }

  variables {
    name_prefix = "crm"
  }

  assert {
    condition     = aws_s3_bucket.backup.bucket == "crm-backups-111122223333-us-east-1" && aws_s3_bucket.backup.force_destroy == false
    error_message = "backup bucket name must match what the prod root derives, and it must survive a destroy"
  }

  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.backup.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms" && one(aws_s3_bucket_server_side_encryption_configuration.backup.rule).apply_server_side_encryption_by_default[0].kms_master_key_id == aws_kms_key.backup.arn
    error_message = "backups must be encrypted with the backup KMS key"
  }

  assert {
    condition     = aws_s3_bucket_versioning.backup.versioning_configuration[0].status == "Enabled"
    error_message = "backup bucket must be versioned"
  }

  assert {
    condition     = aws_s3_bucket_public_access_block.backup.block_public_acls && aws_s3_bucket_public_access_block.backup.restrict_public_buckets
    error_message = "backup bucket must block public access"
  }

  assert {
    condition     = aws_s3_bucket_lifecycle_configuration.backup.rule[0].expiration[0].days == 90 && one(aws_s3_bucket_lifecycle_configuration.backup.rule[0].transition).storage_class == "STANDARD_IA"
    error_message = "backups must move to IA and expire after 90 days"
  }
}

run "existing_oidc_provider_is_referenced" {
  command = plan

  variables {
    create_github_oidc_provider = false
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 0 && output.github_oidc_provider_arn == "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
    error_message = "an existing provider must be referenced by its ARN instead of created"
  }
}
