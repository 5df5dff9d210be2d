output "cluster_name" {
  description = "EKS cluster name."
  value       = aws_eks_cluster.this.name
}

output "cluster_arn" {
  description = "EKS cluster ARN."
  value       = aws_eks_cluster.this.arn
}

output "cluster_endpoint" {
  description = "Kubernetes API endpoint."
  value       = aws_eks_cluster.this.endpoint
}

output "cluster_version" {
  description = "Kubernetes version of the control plane."
  value       = aws_eks_cluster.this.version
}

output "cluster_certificate_authority_data" {
  description = "Base64 CA bundle of the API server."
  value       = aws_eks_cluster.this.certificate_authority[0].data
}

output "cluster_security_group_id" {
  description = "Security group EKS created for the control plane and nodes."
  value       = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
}

output "node_role_arn" {
  description = "IAM role of the worker nodes."
  value       = aws_iam_role.node.arn
}

output "ebs_csi_role_arn" {
  description = "IAM role of the EBS CSI controller (EKS Pod Identity)."
  value       = aws_iam_role.ebs_csi.arn
}

output "addons" {
  description = "Names of the managed add-ons."
  value = concat(
    keys(aws_eks_addon.before_nodes),
    [aws_eks_addon.coredns.addon_name, aws_eks_addon.ebs_csi.addon_name, aws_eks_addon.metrics_server.addon_name],
  )
}

output "oidc_provider_arn" {
  description = "IAM OIDC provider of the cluster (IRSA)."
  value       = aws_iam_openid_connect_provider.cluster.arn
}

output "oidc_issuer" {
  description = "OIDC issuer host/path of the cluster, without https:// (IRSA condition keys)."
  value       = replace(aws_eks_cluster.this.identity[0].oidc[0].issuer, "https://", "")
}

output "cluster_autoscaler_role_arn" {
  description = "IAM role of the Cluster Autoscaler (EKS Pod Identity, kube-system/cluster-autoscaler)."
  value       = aws_iam_role.cluster_autoscaler.arn
}

output "node_group_names" {
  description = "Managed node group of each availability zone."
  value       = { for zone, ng in aws_eks_node_group.zone : zone => ng.node_group_name }
}

output "access_entry_principal_arns" {
  description = "Every IAM principal with an access entry to the cluster (only the admins: CI has none)."
  value       = [for e in aws_eks_access_entry.admin : e.principal_arn]
}
