output "bucket_name" {
  description = "Backup bucket name."
  value       = aws_s3_bucket.backup.bucket
}

output "bucket_arn" {
  description = "Backup bucket ARN."
  value       = aws_s3_bucket.backup.arn
}

output "kms_key_arn" {
  description = "KMS key encrypting the backups."
  value       = aws_kms_key.backup.arn
}
