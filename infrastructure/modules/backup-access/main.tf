# The role the MongoDB backup CronJob's service account assumes through IRSA (the chart annotates the service
# account with eks.amazonaws.com/role-arn): list, write and read under one prefix of the backup bucket (made by the
# bootstrap config), no delete. Only that one service account of that one cluster can assume it.
resource "aws_iam_role" "backup" {
  name = "${var.name_prefix}-mongodb-backup"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = var.oidc_provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "${var.oidc_issuer}:aud" = "sts.amazonaws.com"
          "${var.oidc_issuer}:sub" = "system:serviceaccount:${var.namespace}:${var.service_account}"
        }
      }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "backup" {
  name = "mongodb-backup-bucket"
  role = aws_iam_role.backup.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ListBackups"
        Effect   = "Allow"
        Action   = "s3:ListBucket"
        Resource = var.bucket_arn
        Condition = {
          StringLike = { "s3:prefix" = ["${var.prefix}*"] }
        }
      },
      {
        Sid      = "WriteAndRestoreBackups"
        Effect   = "Allow"
        Action   = ["s3:PutObject", "s3:GetObject"]
        Resource = "${var.bucket_arn}/${var.prefix}*"
      },
      {
        Sid      = "UseBucketKey"
        Effect   = "Allow"
        Action   = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource = var.kms_key_arn
      },
    ]
  })
}
