output "role_arn" {
  description = "IAM role of the backup CronJob's service account (EKS Pod Identity)."
  value       = aws_iam_role.backup.arn
}

output "service_account" {
  description = "namespace/name of the service account bound to the role."
  value       = "${var.namespace}/${var.service_account}"
}

output "prefix" {
  description = "Key prefix the role may use."
  value       = var.prefix
}
