# Two roles for GitHub Actions, assumed with the workflow's OIDC token (no long-lived keys). The `sub` condition is
# an exact StringEquals, never a wildcard: a fork, another branch or another environment cannot assume them.
locals {
  issuer = "token.actions.githubusercontent.com"

  push_subject   = "repo:${var.github_repository}:ref:refs/heads/${var.push_branch}"
  deploy_subject = "repo:${var.github_repository}:environment:${var.deploy_environment}"

  trust = {
    for k, subject in { push = local.push_subject, deploy = local.deploy_subject } : k => jsonencode({
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

resource "aws_iam_role" "deploy" {
  name                 = "${var.name_prefix}-github-deploy"
  description          = "GitHub Actions in the ${var.deploy_environment} environment of ${var.github_repository}: roll out to EKS"
  assume_role_policy   = local.trust.deploy
  max_session_duration = 3600
  tags                 = var.tags
}

# Kubernetes rights come from the EKS access entry (edit in the app namespace only); AWS-side it only needs to find
# the cluster and check that the image it deploys exists.
resource "aws_iam_role_policy" "deploy" {
  name = "eks-deploy"
  role = aws_iam_role.deploy.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "Kubeconfig"
        Effect   = "Allow"
        Action   = "eks:DescribeCluster"
        Resource = var.cluster_arn
      },
      {
        Sid      = "ImageExists"
        Effect   = "Allow"
        Action   = "ecr:DescribeImages"
        Resource = var.ecr_repository_arn
      },
    ]
  })
}
