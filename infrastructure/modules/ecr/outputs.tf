output "repository_url" {
  description = "Registry URL of the repository (<account>.dkr.ecr.<region>.amazonaws.com/crm-app)."
  value       = aws_ecr_repository.this.repository_url
}

output "repository_arn" {
  description = "Repository ARN (scope of the CI push policy)."
  value       = aws_ecr_repository.this.arn
}

output "repository_name" {
  description = "Repository name."
  value       = aws_ecr_repository.this.name
}
