output "region" {
  description = "AWS region."
  value       = var.region
}

output "cluster_name" {
  description = "EKS cluster name."
  value       = module.eks.cluster_name
}

output "cluster_endpoint" {
  description = "Kubernetes API endpoint."
  value       = module.eks.cluster_endpoint
}

output "cluster_version" {
  description = "Kubernetes version."
  value       = module.eks.cluster_version
}

output "kubeconfig_command" {
  description = "Writes a kubeconfig entry for the cluster."
  value       = "aws eks update-kubeconfig --region ${var.region} --name ${module.eks.cluster_name}"
}

output "vpc_id" {
  description = "VPC id."
  value       = module.network.vpc_id
}

output "private_subnet_ids" {
  description = "Private subnets (worker nodes)."
  value       = module.network.private_subnet_ids
}

output "ecr_repository_url" {
  description = "Image repository for crm-app (its last path segment is IMAGE_NAME in ci.yml and REPOSITORY in release.yml)."
  value       = module.ecr.repository_url
}

output "github_ecr_push_role_arn" {
  description = "GitHub variable AWS_ECR_PUSH_ROLE_ARN (ci.yml publish, release.yml)."
  value       = module.github_roles.ecr_push_role_arn
}

output "ebs_csi_role_arn" {
  description = "Role of the EBS CSI controller."
  value       = module.eks.ebs_csi_role_arn
}

output "cluster_autoscaler_role_arn" {
  description = "Role of the Cluster Autoscaler (EKS Pod Identity association kube-system/cluster-autoscaler; the chart needs no annotation)."
  value       = module.eks.cluster_autoscaler_role_arn
}

output "node_group_names" {
  description = "Managed node group of each availability zone."
  value       = module.eks.node_group_names
}

output "backup_bucket_name" {
  description = "S3 bucket of the MongoDB backup CronJob (cluster-resources backup values); created by the bootstrap config."
  value       = local.backup_bucket_name
}

output "backup_prefix" {
  description = "Key prefix the backup role may write under."
  value       = module.backup.prefix
}

output "backup_role_arn" {
  description = "IAM role of the backup CronJob (chart value backup.roleArn; IRSA annotation on backup_service_account)."
  value       = module.backup.role_arn
}

output "backup_service_account" {
  description = "namespace/name of the only service account that may assume the backup role."
  value       = module.backup.service_account
}
