# Bucket for the MongoDB backup CronJob (mongodump archives). Lives in the bootstrap config, not in an environment,
# so `make destroy` of the cluster keeps the backups (old ones go by lifecycle, overwritten ones stay as noncurrent
# versions for a while).
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

resource "aws_kms_key" "backup" {
  #checkov:skip=CKV2_AWS_64:the default key policy (account root, use granted through IAM to the backup role) is the intended one
  description             = "${var.name_prefix} MongoDB backups"
  enable_key_rotation     = true
  deletion_window_in_days = 7
  tags                    = var.tags
}

resource "aws_kms_alias" "backup" {
  name          = "alias/${var.name_prefix}-backups"
  target_key_id = aws_kms_key.backup.key_id
}

resource "aws_s3_bucket" "backup" {
  #checkov:skip=CKV_AWS_18:access logs would need a second bucket; the backup role cannot delete and versioning keeps overwritten objects
  #checkov:skip=CKV_AWS_144:cross-region replication doubles storage for a dump that is also reproducible from the live replica set
  #checkov:skip=CKV2_AWS_62:nothing consumes events of the backup bucket; the restore test CronJob checks the backups instead
  # Bucket names are global: the account id and region keep this one unique.
  bucket        = "${var.name_prefix}-backups-${data.aws_caller_identity.current.account_id}-${data.aws_region.current.name}"
  force_destroy = var.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_public_access_block" "backup" {
  bucket                  = aws_s3_bucket.backup.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "backup" {
  bucket = aws_s3_bucket.backup.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "backup" {
  bucket = aws_s3_bucket.backup.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "backup" {
  bucket = aws_s3_bucket.backup.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.backup.arn
    }
    bucket_key_enabled = true # fewer KMS requests, cheaper
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "backup" {
  bucket = aws_s3_bucket.backup.id

  rule {
    id     = "backup-retention"
    status = "Enabled"
    filter {
      prefix = var.prefix
    }

    transition {
      days          = var.transition_to_ia_days
      storage_class = "STANDARD_IA"
    }

    expiration {
      days = var.retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 30
    }
  }

  rule {
    id     = "abort-incomplete-uploads"
    status = "Enabled"
    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.backup]
}

resource "aws_s3_bucket_policy" "backup" {
  bucket = aws_s3_bucket.backup.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.backup.arn, "${aws_s3_bucket.backup.arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })

  depends_on = [aws_s3_bucket_public_access_block.backup]
}
