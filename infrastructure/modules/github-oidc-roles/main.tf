# The role GitHub Actions pushes images with, assumed with the workflow's OIDC token (no long-lived keys). The `sub`
# condition is an exact StringEquals, never a wildcard: a fork or another branch cannot assume it.
locals {
  issuer = "token.actions.githubusercontent.com"

  push_subject = "repo:${var.github_repository}:ref:refs/heads/${var.push_branch}"

  # No deploy role any more: the pipeline deploys by committing to git and Argo CD pulls (no CI access to the API).
  trust = {
    for k, subject in { push = local.push_subject } : k => jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect    = "Allow"
        Principal = { Federated = var.oidc_provider_arn }
        Action    = "sts:AssumeRoleWithWebIdentity"
        Condition = {
          StringEquals = {
            "${local.issuer}:aud" = "sts.amazonaws.com"
            "${local.issuer}:sub" = subject
          }
        }
      }]
    })
  }
}

resource "aws_iam_role" "ecr_push" {
  name                 = "${var.name_prefix}-github-ecr-push"
  description          = "GitHub Actions on ${var.push_branch} of ${var.github_repository}: push images to ECR"
  assume_role_policy   = local.trust.push
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role_policy" "ecr_push" {
  #checkov:skip=CKV_AWS_355:ecr:GetAuthorizationToken is account-level and takes no resource; every push action is limited to one repository
  name = "ecr-push"
  role = aws_iam_role.ecr_push.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "EcrLogin"
        Effect   = "Allow"
        Action   = "ecr:GetAuthorizationToken" # account-level call, cannot be scoped to a repository
        Resource = "*"
      },
      {
        Sid    = "PushToOneRepository"
        Effect = "Allow"
        Action = [
          "ecr:BatchCheckLayerAvailability",
          "ecr:BatchGetImage",
          "ecr:CompleteLayerUpload",
          "ecr:DescribeImages",
          "ecr:GetDownloadUrlForLayer",
          "ecr:InitiateLayerUpload",
          "ecr:PutImage",
          "ecr:UploadLayerPart",
        ]
        Resource = var.ecr_repository_arn
      },
    ]
  })
}
