output "ecr_push_role_arn" {
  description = "Role for the CI publish job (secret/variable AWS_ECR_PUSH_ROLE_ARN)."
  value       = aws_iam_role.ecr_push.arn
}

output "push_subject" {
  description = "OIDC sub claim accepted by the push role."
  value       = local.push_subject
}
