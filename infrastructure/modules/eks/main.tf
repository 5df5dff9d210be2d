# Envelope encryption of Kubernetes Secrets (etcd) with a customer managed key.
resource "aws_kms_key" "secrets" {
  #checkov:skip=CKV2_AWS_64:the default key policy (account root, access governed by IAM) is what EKS envelope encryption needs
  description             = "${var.cluster_name} EKS secrets encryption"
  enable_key_rotation     = true
  deletion_window_in_days = 7
  tags                    = var.tags
}

resource "aws_kms_alias" "secrets" {
  name          = "alias/${var.cluster_name}-eks-secrets"
  target_key_id = aws_kms_key.secrets.key_id
}

# Created before the cluster so EKS does not make an unmanaged, never-expiring log group.
resource "aws_cloudwatch_log_group" "cluster" {
  name              = "/aws/eks/${var.cluster_name}/cluster"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn # envs/<env> key for all log groups (CKV_AWS_158)
  tags              = var.tags
}

resource "aws_eks_cluster" "this" {
  # The public endpoint is the operators' way in (stage 1 kubectl apply, break-glass); it is limited to
  # endpoint_public_access_cidrs, whose validation rejects 0.0.0.0/0. CI never talks to it (GitOps: Argo CD pulls).
  #checkov:skip=CKV_AWS_39:public endpoint kept for operators, restricted to endpoint_public_access_cidrs (never 0.0.0.0/0)
  # The version is validated by var.kubernetes_version and the terraform test; checkov's built-in list lags EKS.
  #checkov:skip=CKV_AWS_339:version checked by the variable validation and terraform test, checkov's list lags new EKS releases
  name     = var.cluster_name
  version  = var.kubernetes_version
  role_arn = aws_iam_role.cluster.arn

  enabled_cluster_log_types = var.cluster_log_types

  # Default add-ons are managed below as EKS add-ons instead (vpc-cni needs its network policy setting).
  bootstrap_self_managed_addons = false

  vpc_config {
    subnet_ids              = var.private_subnet_ids
    endpoint_private_access = true
    endpoint_public_access  = true
    public_access_cidrs     = var.endpoint_public_access_cidrs
  }

  # Access entries only: no aws-auth ConfigMap, and the creator gets no hidden admin binding.
  access_config {
    authentication_mode                         = "API"
    bootstrap_cluster_creator_admin_permissions = false
  }

  encryption_config {
    resources = ["secrets"]
    provider {
      key_arn = aws_kms_key.secrets.arn
    }
  }

  # STANDARD: the cluster is auto-upgraded at the end of standard support instead of silently paying for extended.
  upgrade_policy {
    support_type = "STANDARD"
  }

  tags = var.tags

  depends_on = [
    aws_iam_role_policy_attachment.cluster,
    aws_cloudwatch_log_group.cluster,
  ]
}

# Worker nodes: IMDSv2 only, one hop, so pods cannot read the node role's credentials through the metadata service
# (workloads that need AWS get EKS Pod Identity instead).
resource "aws_launch_template" "node" {
  name_prefix = "${var.cluster_name}-node-"

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size           = var.node_disk_size_gib
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  tag_specifications {
    resource_type = "instance"
    tags          = merge(var.tags, { Name = "${var.cluster_name}-node" })
  }

  tags = var.tags
}

# One managed node group per availability zone, scaled by the Cluster Autoscaler. Per zone because EBS volumes are
# zonal: a MongoDB member whose volume is in zone a can only run in zone a, and the autoscaler can only add a node
# in zone a if there is a group that lives in zone a alone (a multi-zone group may add it anywhere).
locals {
  autoscaler_tags = {
    "k8s.io/cluster-autoscaler/enabled"             = "true"
    "k8s.io/cluster-autoscaler/${var.cluster_name}" = "owned"
  }

  # Tags the autoscaler reads from the ASG to build a template node when the group is at zero (scale from zero):
  # without the zone label it cannot tell that this group satisfies a zone-bound pod.
  node_group_asg_tags = {
    for zone in keys(var.node_subnet_ids_by_zone) : zone => merge(local.autoscaler_tags, {
      "k8s.io/cluster-autoscaler/node-template/label/topology.kubernetes.io/zone" = zone
      "k8s.io/cluster-autoscaler/node-template/label/eks.amazonaws.com/nodegroup" = "${var.cluster_name}-${zone}"
    })
  }

  node_group_asg_tag_list = merge([
    for zone, tags in local.node_group_asg_tags : { for k, v in tags : "${zone}|${k}" => { zone = zone, key = k, value = v } }
  ]...)
}

resource "aws_eks_node_group" "zone" {
  for_each = var.node_subnet_ids_by_zone

  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "${var.cluster_name}-${each.key}"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = [each.value]

  ami_type       = "AL2023_x86_64_STANDARD"
  capacity_type  = "ON_DEMAND"
  instance_types = [var.node_instance_type]

  scaling_config {
    min_size     = var.nodes_per_zone_min
    max_size     = var.nodes_per_zone_max
    desired_size = var.nodes_per_zone_desired
  }

  update_config {
    max_unavailable = 1
  }

  launch_template {
    id      = aws_launch_template.node.id
    version = aws_launch_template.node.latest_version
  }

  tags = merge(var.tags, local.node_group_asg_tags[each.key])

  # The CNI must exist before nodes join, or they stay NotReady.
  depends_on = [
    aws_iam_role_policy_attachment.node,
    aws_eks_addon.before_nodes,
  ]

  lifecycle {
    # The autoscaler owns the desired size once the group exists: a plan must not reset it.
    ignore_changes = [scaling_config[0].desired_size]

    precondition {
      condition     = var.nodes_per_zone_min <= var.nodes_per_zone_desired && var.nodes_per_zone_desired <= var.nodes_per_zone_max
      error_message = "node counts per zone must satisfy min <= desired <= max."
    }
  }
}

# EKS puts the node group's tags on the node group only, not on its Auto Scaling group, where the autoscaler looks
# for them (EKS itself adds only the two discovery tags). Copy all of them onto the ASG.
resource "aws_autoscaling_group_tag" "node_group" {
  for_each = local.node_group_asg_tag_list

  autoscaling_group_name = aws_eks_node_group.zone[each.value.zone].resources[0].autoscaling_groups[0].name

  tag {
    key                 = each.value.key
    value               = each.value.value
    propagate_at_launch = false
  }
}

locals {
  # Add-ons the nodes need to become Ready (installed before the node group).
  addons_before_nodes = {
    "vpc-cni" = {
      # Network policy enforcement: the cluster resources ship NetworkPolicies, which are ignored without it.
      configuration_values = jsonencode({ enableNetworkPolicy = "true" })
    }
    "kube-proxy"             = { configuration_values = null }
    "eks-pod-identity-agent" = { configuration_values = null }
  }
}

resource "aws_eks_addon" "before_nodes" {
  for_each = local.addons_before_nodes

  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = each.key
  configuration_values        = each.value.configuration_values
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "PRESERVE"
  tags                        = var.tags
}

# Add-ons whose pods need a node to schedule on.
resource "aws_eks_addon" "coredns" {
  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = "coredns"
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "PRESERVE"
  tags                        = var.tags

  depends_on = [aws_eks_node_group.zone]
}

resource "aws_eks_addon" "ebs_csi" {
  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = "aws-ebs-csi-driver"
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "PRESERVE"

  pod_identity_association {
    role_arn        = aws_iam_role.ebs_csi.arn
    service_account = "ebs-csi-controller-sa"
  }

  tags = var.tags

  depends_on = [
    aws_eks_node_group.zone,
    aws_eks_addon.before_nodes,
    aws_iam_role_policy_attachment.ebs_csi,
  ]
}

# metrics-server (EKS community add-on): the resource metrics API the HorizontalPodAutoscaler reads. Installed by
# Terraform with the nodes, so the app's HPA has metrics from its first minute instead of after a GitOps sync.
resource "aws_eks_addon" "metrics_server" {
  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = "metrics-server"
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "PRESERVE"
  tags                        = var.tags

  depends_on = [aws_eks_node_group.zone]
}

# The Cluster Autoscaler itself is installed by Argo CD (cluster-resources) as kube-system/cluster-autoscaler; its
# AWS credentials come from this association (EKS Pod Identity agent add-on above).
resource "aws_eks_pod_identity_association" "cluster_autoscaler" {
  cluster_name    = aws_eks_cluster.this.name
  namespace       = "kube-system"
  service_account = "cluster-autoscaler"
  role_arn        = aws_iam_role.cluster_autoscaler.arn
  tags            = var.tags
}

# Access entries (API authentication mode) instead of the aws-auth ConfigMap.
resource "aws_eks_access_entry" "admin" {
  for_each = toset(var.cluster_admin_principal_arns)

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = each.value
  type          = "STANDARD"
  tags          = var.tags
}

resource "aws_eks_access_policy_association" "admin" {
  for_each = toset(var.cluster_admin_principal_arns)

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = aws_eks_access_entry.admin[each.value].principal_arn
  policy_arn    = "arn:${data.aws_partition.current.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

  access_scope {
    type = "cluster"
  }
}

# No access entry for CI: the pipeline deploys by GitOps (Argo CD pulls from git inside the cluster), and GitHub's
# runners have no stable egress address to put in endpoint_public_access_cidrs anyway.

# IAM OIDC provider of the cluster, for IRSA: the cluster-resources chart annotates the backup CronJob's service
# account with eks.amazonaws.com/role-arn. (EBS CSI uses EKS Pod Identity instead; both work side by side.)
resource "aws_iam_openid_connect_provider" "cluster" {
  url            = aws_eks_cluster.this.identity[0].oidc[0].issuer
  client_id_list = ["sts.amazonaws.com"]
  tags           = var.tags
}
