output "state_bucket" {
  description = "State bucket: pass as -backend-config=\"bucket=...\" (Makefile: TF_STATE_BUCKET, GitHub variable TF_STATE_BUCKET)."
  value       = aws_s3_bucket.state.bucket
}

output "github_oidc_provider_arn" {
  description = "GitHub OIDC provider ARN (env roots derive the same ARN by default)."
  value       = local.oidc_provider
}

output "terraform_plan_role_arn" {
  description = "GitHub variable AWS_TF_PLAN_ROLE_ARN (infra.yml plan on PRs)."
  value       = aws_iam_role.terraform["plan"].arn
}

output "terraform_apply_role_arn" {
  description = "GitHub variable AWS_TF_APPLY_ROLE_ARN (infra.yml apply; also add it to cluster_admin_principal_arns)."
  value       = aws_iam_role.terraform["apply"].arn
}

output "backup_bucket_name" {
  description = "MongoDB backup bucket (the prod root outputs the same name as backup_bucket_name)."
  value       = module.backup_bucket.bucket_name
}

output "backup_kms_key_arn" {
  description = "KMS key of the backup bucket."
  value       = module.backup_bucket.kms_key_arn
}
