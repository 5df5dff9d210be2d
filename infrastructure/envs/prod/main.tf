data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

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

  # Built from its parts (not read from the cluster) because the cluster's access entries need the deploy role first.
  cluster_arn = "arn:${data.aws_partition.current.partition}:eks:${var.region}:${data.aws_caller_identity.current.account_id}:cluster/${var.name}"
}

module "network" {
  source = "../../modules/network"

  name               = var.name
  cidr               = var.vpc_cidr
  az_count           = var.az_count
  single_nat_gateway = var.single_nat_gateway
  cluster_name       = var.name
  tags               = local.tags
}

module "ecr" {
  source = "../../modules/ecr"

  name             = "crm-app"
  keep_last_images = 10
  tags             = local.tags
}

module "github_roles" {
  source = "../../modules/github-oidc-roles"

  name_prefix        = var.name
  oidc_provider_arn  = local.oidc_provider_arn
  github_repository  = var.github_repository
  push_branch        = "main"
  deploy_environment = "production"
  ecr_repository_arn = module.ecr.repository_arn
  cluster_arn        = local.cluster_arn
  tags               = local.tags
}

module "eks" {
  source = "../../modules/eks"

  cluster_name                 = var.name
  kubernetes_version           = var.kubernetes_version
  private_subnet_ids           = module.network.private_subnet_ids
  endpoint_public_access_cidrs = var.endpoint_public_access_cidrs
  node_instance_types          = var.node_instance_types
  node_min_size                = var.node_min_size
  node_max_size                = var.node_max_size
  node_desired_size            = var.node_desired_size
  cluster_admin_principal_arns = var.cluster_admin_principal_arns
  namespace_deployers          = { github-deploy = module.github_roles.deploy_role_arn }
  app_namespace                = var.app_namespace
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
