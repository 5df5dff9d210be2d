data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

data "aws_kms_alias" "backup" {
  name = "alias/${var.bootstrap_name_prefix}-backups"
}

locals {
  tags = { Cluster = var.name }

  oidc_provider_arn = coalesce(
    var.github_oidc_provider_arn,
    "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/token.actions.githubusercontent.com",
  )

  # The backup bucket is long-lived (bootstrap config), so `make destroy` of this environment keeps the backups.
  backup_bucket_name = "${var.bootstrap_name_prefix}-backups-${data.aws_caller_identity.current.account_id}-${var.region}"
}

# One key for the environment's CloudWatch log groups (EKS control plane, VPC flow logs). CloudWatch Logs may use it
# only for log groups named after this environment.
resource "aws_kms_key" "logs" {
  description             = "${var.name} CloudWatch log groups"
  enable_key_rotation     = true
  deletion_window_in_days = 7
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministersTheKey"
        Effect    = "Allow"
        Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchLogsOfThisEnvironment"
        Effect    = "Allow"
        Principal = { Service = "logs.${data.aws_region.current.name}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
        Condition = {
          ArnLike = {
            "kms:EncryptionContext:aws:logs:arn" = "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:/aws/*/${var.name}/*"
          }
        }
      },
    ]
  })
  tags = local.tags
}

resource "aws_kms_alias" "logs" {
  name          = "alias/${var.name}-logs"
  target_key_id = aws_kms_key.logs.key_id
}

module "network" {
  source = "../../modules/network"

  name               = var.name
  cidr               = var.vpc_cidr
  az_count           = var.az_count
  single_nat_gateway = var.single_nat_gateway
  cluster_name       = var.name
  log_kms_key_arn    = aws_kms_key.logs.arn
  tags               = local.tags
}

module "ecr" {
  source = "../../modules/ecr"

  name             = "crm-app"
  keep_last_images = 30
  tags             = local.tags
}

module "github_roles" {
  source = "../../modules/github-oidc-roles"

  name_prefix        = var.name
  oidc_provider_arn  = local.oidc_provider_arn
  github_repository  = var.github_repository
  push_branch        = "main"
  ecr_repository_arn = module.ecr.repository_arn
  tags               = local.tags
}

# No CI access to the cluster: deployments go through git and Argo CD (docs/infrastructure.md, "Deploying").
module "eks" {
  source = "../../modules/eks"

  cluster_name                 = var.name
  kubernetes_version           = var.kubernetes_version
  private_subnet_ids           = module.network.private_subnet_ids
  node_subnet_ids_by_zone      = module.network.private_subnet_ids_by_az
  endpoint_public_access_cidrs = var.endpoint_public_access_cidrs
  node_instance_type           = var.node_instance_type
  nodes_per_zone_min           = var.nodes_per_zone_min
  nodes_per_zone_desired       = var.nodes_per_zone_desired
  nodes_per_zone_max           = var.nodes_per_zone_max
  cluster_admin_principal_arns = var.cluster_admin_principal_arns
  log_kms_key_arn              = aws_kms_key.logs.arn
  tags                         = local.tags
}

module "backup" {
  source = "../../modules/backup-access"

  name_prefix       = var.name
  oidc_provider_arn = module.eks.oidc_provider_arn
  oidc_issuer       = module.eks.oidc_issuer
  namespace         = var.app_namespace
  service_account   = var.backup_service_account
  bucket_arn        = "arn:${data.aws_partition.current.partition}:s3:::${local.backup_bucket_name}"
  kms_key_arn       = data.aws_kms_alias.backup.target_key_arn
  tags              = local.tags
}
