data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account_id    = data.aws_caller_identity.current.account_id
  bucket_name   = "${var.name_prefix}-terraform-state-${local.account_id}-${var.region}"
  oidc_issuer   = "token.actions.githubusercontent.com"
  oidc_provider = var.create_github_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : "arn:${data.aws_partition.current.partition}:iam::${local.account_id}:oidc-provider/${local.oidc_issuer}"
}

# ---- Remote state: versioned, encrypted, private, TLS only. Locking is S3-native (use_lockfile), no DynamoDB.
resource "aws_s3_bucket" "state" {
  #checkov:skip=CKV_AWS_18:access logs would need a second bucket; state reads and writes are in CloudTrail data events if wanted
  #checkov:skip=CKV_AWS_144:cross-region replication of a versioned state bucket is not worth a second region's bucket for one cluster
  #checkov:skip=CKV2_AWS_62:nothing consumes events of the state bucket; notifications would only add a topic nobody reads
  bucket = local.bucket_name
  # Never emptied by terraform: S3 refuses to delete a bucket that still holds (versions of) state files, so a
  # stray destroy of this config fails instead of losing the state of a running cluster.
  force_destroy = false
}

resource "aws_s3_bucket_versioning" "state" {
  bucket = aws_s3_bucket.state.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "state" {
  bucket = aws_s3_bucket.state.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms" # AWS managed key: no key policy to manage for a bootstrap bucket
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "state" {
  bucket                  = aws_s3_bucket.state.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "state" {
  bucket = aws_s3_bucket.state.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    id     = "old-state-versions"
    status = "Enabled"
    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.state_noncurrent_version_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.state]
}

resource "aws_s3_bucket_policy" "state" {
  bucket = aws_s3_bucket.state.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.state.arn, "${aws_s3_bucket.state.arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })

  depends_on = [aws_s3_bucket_public_access_block.state]
}

# ---- GitHub OIDC: one provider per account, used by every workflow role (the env roots reference it by ARN).
resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_github_oidc_provider ? 1 : 0

  url            = "https://${local.oidc_issuer}"
  client_id_list = ["sts.amazonaws.com"]
  # No thumbprint_list: AWS validates GitHub's certificate against its own trusted CAs for this issuer.
}

locals {
  tf_roles = {
    # PRs touching infrastructure/: read-only plan (plus the state lock file).
    plan = "repo:${var.github_repository}:pull_request"
    # Manual dispatch in a protected environment: apply.
    apply = "repo:${var.github_repository}:environment:${var.infra_apply_environment}"
  }
}

resource "aws_iam_role" "terraform" {
  for_each = local.tf_roles

  name        = "${var.name_prefix}-terraform-${each.key}"
  description = "GitHub Actions infra workflow: terraform ${each.key}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = local.oidc_provider }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "${local.oidc_issuer}:aud" = "sts.amazonaws.com"
          "${local.oidc_issuer}:sub" = each.value
        }
      }
    }]
  })
  max_session_duration = 3600
}

resource "aws_iam_role_policy_attachment" "plan_read_only" {
  role       = aws_iam_role.terraform["plan"].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/ReadOnlyAccess"
}

# Apply creates VPCs, clusters, IAM roles and KMS keys: that needs administrator rights. It is only reachable from
# the protected environment (required reviewers), never from a PR.
resource "aws_iam_role_policy_attachment" "apply_admin" {
  #checkov:skip=CKV_AWS_274:terraform apply creates IAM roles, KMS keys, VPCs and clusters; only a reviewer-approved environment job can assume it
  role       = aws_iam_role.terraform["apply"].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AdministratorAccess"
}

# Both roles read/write the state and its lock file (plan takes the lock too).
resource "aws_iam_role_policy" "state_access" {
  for_each = aws_iam_role.terraform

  name = "terraform-state"
  role = each.value.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ListState"
        Effect   = "Allow"
        Action   = "s3:ListBucket"
        Resource = aws_s3_bucket.state.arn
      },
      {
        Sid      = "ReadWriteStateAndLock"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        Resource = "${aws_s3_bucket.state.arn}/crm/*"
      },
    ]
  })
}

# ---- MongoDB backups: kept here, with the state, so that destroying an environment does not delete them. The
# environment grants the backup CronJob access to it (modules/backup-access).
module "backup_bucket" {
  source = "../modules/backup-bucket"

  name_prefix    = var.name_prefix
  retention_days = var.backup_retention_days
}
