# Offline plan/apply of the whole prod root against a mocked AWS provider: no account, no network. Asserts the
# properties the issue asks for, read back from the planned resources.
mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "111122223333"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }

  mock_data "aws_region" {
    defaults = {
      name = "us-east-1"
    }
  }

  mock_data "aws_availability_zones" {
    defaults = {
      names = ["us-east-1a", "us-east-1b", "us-east-1c"]
    }
  }

  mock_resource "aws_eks_cluster" {
    defaults = {
      arn                   = "arn:aws:eks:us-east-1:111122223333:cluster/crm-prod"
      endpoint              = "https://EXAMPLE.gr7.us-east-1.eks.amazonaws.com"
      certificate_authority = [{ data = "LS0tLS1CRUdJTi1FWEFNUExFLS0tLS0=" }]
      identity              = [{ oidc = [{ issuer = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE0123456789" }] }]
    }
  }

  mock_resource "aws_eks_node_group" {
    defaults = {
      resources = [{ autoscaling_groups = [{ name = "eks-mocked-asg" }], remote_access_security_group_id = "" }]
    }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:us-east-1:111122223333:log-group:mocked"
    }
  }

  mock_resource "aws_launch_template" {
    defaults = {
      id             = "lt-0123456789abcdef0"
      latest_version = 1
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::111122223333:role/mocked"
    }
  }

  mock_resource "aws_ecr_repository" {
    defaults = {
      arn            = "arn:aws:ecr:us-east-1:111122223333:repository/crm-app"
      repository_url = "111122223333.dkr.ecr.us-east-1.amazonaws.com/crm-app"
    }
  }

  mock_resource "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000"
    }
  }

  mock_data "aws_kms_alias" {
    defaults = {
      target_key_arn = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000"
    }
  }
}

variables {
  github_repository            = "example-org/crm"
  endpoint_public_access_cidrs = ["203.0.113.10/32"]
  cluster_admin_principal_arns = ["arn:aws:iam::111122223333:role/crm-terraform-apply"]
}

run "network" {
  command = apply

  assert {
    condition     = module.network.vpc_id != "" && output.vpc_id == module.network.vpc_id
    error_message = "VPC id missing"
  }

  assert {
    condition     = length(module.network.private_subnet_ids) == 3 && length(module.network.public_subnet_ids) == 3
    error_message = "expected public and private subnets in 3 AZs by default (one MongoDB member and one node group per zone)"
  }

  assert {
    condition     = module.network.nat_gateway_count == 1
    error_message = "the seed's cost choice is a single NAT gateway"
  }

  assert {
    condition     = toset(module.network.azs) == toset(["us-east-1a", "us-east-1b", "us-east-1c"])
    error_message = "subnets must span three distinct availability zones"
  }

  assert {
    condition     = keys(module.network.private_subnet_ids_by_az) == ["us-east-1a", "us-east-1b", "us-east-1c"]
    error_message = "every zone needs its private subnet for its node group"
  }
}

run "vpc_cidr_and_subnet_tags" {
  command = plan

  module {
    source = "../../modules/network"
  }

  variables {
    name            = "crm-prod"
    cluster_name    = "crm-prod"
    log_kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/logs"
  }

  assert {
    condition     = aws_vpc.this.cidr_block == "10.0.0.0/16"
    error_message = "VPC CIDR must be 10.0.0.0/16 (seed)"
  }

  assert {
    condition     = [for s in aws_subnet.public : s.cidr_block] == ["10.0.0.0/24", "10.0.1.0/24"]
    error_message = "unexpected public subnet CIDRs"
  }

  assert {
    condition     = [for s in aws_subnet.private : s.cidr_block] == ["10.0.16.0/20", "10.0.32.0/20"]
    error_message = "unexpected private subnet CIDRs"
  }

  assert {
    condition     = alltrue([for s in aws_subnet.public : s.tags["kubernetes.io/role/elb"] == "1" && s.map_public_ip_on_launch == false])
    error_message = "public subnets need the kubernetes.io/role/elb tag and no auto-assigned public IPs"
  }

  assert {
    condition     = alltrue([for s in aws_subnet.private : s.tags["kubernetes.io/role/internal-elb"] == "1" && s.tags["kubernetes.io/cluster/crm-prod"] == "shared"])
    error_message = "private subnets need the internal-elb and cluster tags"
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 1 && length(aws_eip.nat) == 1 && length(aws_route.private_nat) == 2
    error_message = "one NAT gateway must serve both private route tables"
  }

  assert {
    condition     = aws_flow_log.this.traffic_type == "ALL" && aws_flow_log.this.log_destination_type == "cloud-watch-logs"
    error_message = "the VPC needs flow logs (CKV2_AWS_11)"
  }

  assert {
    condition     = aws_cloudwatch_log_group.flow_logs.retention_in_days >= 365 && aws_cloudwatch_log_group.flow_logs.kms_key_id == "arn:aws:kms:us-east-1:111122223333:key/logs"
    error_message = "flow logs must be kept a year and encrypted with the environment's key"
  }

  assert {
    condition     = length(aws_default_security_group.this.ingress) == 0 && length(aws_default_security_group.this.egress) == 0
    error_message = "the default security group must allow nothing (CKV2_AWS_12)"
  }
}

run "nat_per_az_when_single_nat_is_off" {
  command = plan

  module {
    source = "../../modules/network"
  }

  variables {
    name               = "crm-prod"
    cluster_name       = "crm-prod"
    az_count           = 3
    single_nat_gateway = false
    log_kms_key_arn    = "arn:aws:kms:us-east-1:111122223333:key/logs"
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 3 && length(aws_subnet.private) == 3
    error_message = "single_nat_gateway=false must create one NAT gateway per AZ"
  }
}

run "eks_cluster" {
  command = apply

  assert {
    condition     = module.eks.cluster_version == "1.35"
    error_message = "cluster must run the default version 1.35"
  }

  assert {
    condition     = output.kubeconfig_command == "aws eks update-kubeconfig --region us-east-1 --name crm-prod"
    error_message = "kubeconfig command output is wrong"
  }

  assert {
    condition     = output.cluster_name == "crm-prod" && output.cluster_endpoint != ""
    error_message = "cluster name/endpoint outputs missing"
  }

  assert {
    condition     = toset(module.eks.addons) == toset(["vpc-cni", "coredns", "kube-proxy", "eks-pod-identity-agent", "aws-ebs-csi-driver", "metrics-server"])
    error_message = "the six managed add-ons (incl. metrics-server for the HPA) must be present"
  }

  # Capacity (docs/infrastructure.md): one t3a.large per zone in three zones, the autoscaler may go to three per zone.
  assert {
    condition     = var.node_instance_type == "t3a.large" && var.nodes_per_zone_min == 1 && var.nodes_per_zone_desired == 1 && var.nodes_per_zone_max == 3 && var.az_count == 3
    error_message = "prod nodes must default to t3a.large, 1 / 1 / 3 per zone in 3 zones"
  }

  assert {
    condition     = keys(output.node_group_names) == ["us-east-1a", "us-east-1b", "us-east-1c"] && output.node_group_names["us-east-1a"] == "crm-prod-us-east-1a"
    error_message = "one node group per availability zone, named after the zone"
  }

  assert {
    condition     = output.cluster_autoscaler_role_arn != ""
    error_message = "the Cluster Autoscaler role ARN must be an output"
  }

  assert {
    condition     = aws_kms_key.logs.enable_key_rotation && strcontains(aws_kms_key.logs.policy, "logs.us-east-1.amazonaws.com") && !strcontains(aws_kms_key.logs.policy, "\"AWS\":\"*\"")
    error_message = "the log key must rotate and admit CloudWatch Logs, no wildcard principal"
  }
}

run "eks_module_properties" {
  command = apply

  module {
    source = "../../modules/eks"
  }

  variables {
    cluster_name            = "crm-prod"
    kubernetes_version      = "1.35"
    private_subnet_ids      = ["subnet-a", "subnet-b"]
    node_subnet_ids_by_zone = { "us-east-1a" = "subnet-a", "us-east-1b" = "subnet-b" }
    log_kms_key_arn         = "arn:aws:kms:us-east-1:111122223333:key/logs"
  }

  assert {
    condition     = aws_eks_cluster.this.upgrade_policy[0].support_type == "STANDARD"
    error_message = "upgrade_policy must be STANDARD"
  }

  assert {
    condition     = aws_eks_cluster.this.access_config[0].authentication_mode == "API" && aws_eks_cluster.this.access_config[0].bootstrap_cluster_creator_admin_permissions == false
    error_message = "access entries only (authentication_mode API, no aws-auth ConfigMap)"
  }

  assert {
    condition     = aws_eks_cluster.this.vpc_config[0].endpoint_public_access && aws_eks_cluster.this.vpc_config[0].endpoint_private_access && toset(aws_eks_cluster.this.vpc_config[0].public_access_cidrs) == toset(["203.0.113.10/32"])
    error_message = "public endpoint must be restricted to the CIDR variable"
  }

  assert {
    condition     = aws_eks_cluster.this.encryption_config[0].resources == toset(["secrets"]) && aws_eks_cluster.this.encryption_config[0].provider[0].key_arn == aws_kms_key.secrets.arn && aws_kms_key.secrets.enable_key_rotation
    error_message = "secrets must be encrypted with the rotating KMS key"
  }

  assert {
    condition     = alltrue([for ng in aws_eks_node_group.zone : length(ng.instance_types) == 1 && ng.instance_types[0] == "t3a.large"])
    error_message = "node type must default to t3a.large"
  }

  assert {
    condition     = alltrue([for ng in aws_eks_node_group.zone : ng.scaling_config[0].min_size == 1 && ng.scaling_config[0].desired_size == 1 && ng.scaling_config[0].max_size == 3])
    error_message = "node counts per zone must default to min 1 / desired 1 / max 3"
  }

  # Finding 9: a group per zone, each in its zone's subnet only, so the autoscaler can add a node where a zonal
  # EBS volume (MongoDB) is.
  assert {
    condition     = keys(aws_eks_node_group.zone) == ["us-east-1a", "us-east-1b"] && aws_eks_node_group.zone["us-east-1a"].subnet_ids == toset(["subnet-a"]) && aws_eks_node_group.zone["us-east-1b"].subnet_ids == toset(["subnet-b"])
    error_message = "one node group per availability zone, each in that zone's private subnet only"
  }

  assert {
    condition = alltrue([for zone, ng in aws_eks_node_group.zone :
      ng.tags["k8s.io/cluster-autoscaler/enabled"] == "true" &&
      ng.tags["k8s.io/cluster-autoscaler/crm-prod"] == "owned" &&
      ng.tags["k8s.io/cluster-autoscaler/node-template/label/topology.kubernetes.io/zone"] == zone
    ])
    error_message = "node groups need the autoscaler discovery tags and their zone's node-template label"
  }

  assert {
    condition = length(aws_autoscaling_group_tag.node_group) == 8 && alltrue([for k, t in aws_autoscaling_group_tag.node_group :
      t.autoscaling_group_name == "eks-mocked-asg" && t.tag[0].value == aws_eks_node_group.zone[split("|", k)[0]].tags[t.tag[0].key]
    ])
    error_message = "the autoscaler tags must also be on each node group's Auto Scaling group"
  }

  assert {
    condition     = aws_eks_pod_identity_association.cluster_autoscaler.namespace == "kube-system" && aws_eks_pod_identity_association.cluster_autoscaler.service_account == "cluster-autoscaler" && aws_eks_pod_identity_association.cluster_autoscaler.role_arn == aws_iam_role.cluster_autoscaler.arn
    error_message = "the Cluster Autoscaler role must be associated with kube-system/cluster-autoscaler"
  }

  assert {
    condition     = jsondecode(aws_iam_role.cluster_autoscaler.assume_role_policy).Statement[0].Principal.Service == "pods.eks.amazonaws.com"
    error_message = "the Cluster Autoscaler role must trust EKS Pod Identity"
  }

  assert {
    condition = [for st in jsondecode(aws_iam_role_policy.cluster_autoscaler.policy).Statement : st.Condition if st.Sid == "ScaleOwnGroups"] == [{
      StringEquals = { "aws:ResourceTag/k8s.io/cluster-autoscaler/crm-prod" = "owned" }
    }]
    error_message = "the autoscaler may resize only this cluster's groups (ASG tag condition)"
  }

  assert {
    condition     = toset(flatten([for st in jsondecode(aws_iam_role_policy.cluster_autoscaler.policy).Statement : st.Action])) == toset(["autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances", "autoscaling:DescribeLaunchConfigurations", "autoscaling:DescribeScalingActivities", "autoscaling:DescribeTags", "ec2:DescribeImages", "ec2:DescribeInstanceTypes", "ec2:DescribeLaunchTemplateVersions", "ec2:GetInstanceTypesFromInstanceRequirements", "eks:DescribeNodegroup", "autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"])
    error_message = "the autoscaler policy must hold its documented actions and nothing more"
  }

  assert {
    condition     = aws_eks_addon.metrics_server.addon_name == "metrics-server"
    error_message = "metrics-server must be an EKS add-on (the HPA needs it)"
  }

  assert {
    condition     = toset(aws_eks_cluster.this.enabled_cluster_log_types) == toset(["api", "audit", "authenticator", "controllerManager", "scheduler"])
    error_message = "all control plane log types must be enabled (CKV_AWS_37)"
  }

  assert {
    condition     = aws_cloudwatch_log_group.cluster.retention_in_days >= 365 && aws_cloudwatch_log_group.cluster.kms_key_id == "arn:aws:kms:us-east-1:111122223333:key/logs"
    error_message = "control plane logs must be kept a year and encrypted (CKV_AWS_338, CKV_AWS_158)"
  }

  assert {
    condition     = aws_launch_template.node.metadata_options[0].http_tokens == "required" && aws_launch_template.node.metadata_options[0].http_put_response_hop_limit == 1
    error_message = "IMDSv2 must be required on the nodes"
  }

  assert {
    condition     = aws_launch_template.node.block_device_mappings[0].ebs[0].encrypted == "true"
    error_message = "node volumes must be encrypted"
  }

  assert {
    condition     = jsondecode(aws_eks_addon.before_nodes["vpc-cni"].configuration_values).enableNetworkPolicy == "true"
    error_message = "vpc-cni must enforce NetworkPolicies"
  }

  assert {
    condition     = one(aws_eks_addon.ebs_csi.pod_identity_association).role_arn == aws_iam_role.ebs_csi.arn && one(aws_eks_addon.ebs_csi.pod_identity_association).service_account == "ebs-csi-controller-sa"
    error_message = "the EBS CSI driver needs its IAM role"
  }

  assert {
    condition     = aws_iam_role_policy_attachment.ebs_csi.policy_arn == "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"
    error_message = "EBS CSI role must carry AmazonEBSCSIDriverPolicy"
  }

}

run "ecr_repository" {
  command = apply

  module {
    source = "../../modules/ecr"
  }

  assert {
    condition     = aws_ecr_repository.this.name == "crm-app" && aws_ecr_repository.this.image_tag_mutability == "IMMUTABLE"
    error_message = "repository crm-app with IMMUTABLE tags expected"
  }

  assert {
    condition     = aws_ecr_repository.this.image_scanning_configuration[0].scan_on_push
    error_message = "scan on push must be on"
  }

  assert {
    condition     = aws_ecr_repository.this.encryption_configuration[0].encryption_type == "KMS"
    error_message = "images must be encrypted with KMS (CKV_AWS_136)"
  }

  assert {
    condition     = [for r in jsondecode(aws_ecr_lifecycle_policy.this.policy).rules : r.rulePriority] == [1, 2, 3]
    error_message = "three lifecycle rules: releases, untagged, commit SHAs"
  }

  # Release images (release.yml: X.Y.Z on the commit's image) are matched first with a count no repository reaches:
  # never expired, and no lower rule may consider them.
  assert {
    condition = jsondecode(aws_ecr_lifecycle_policy.this.policy).rules[0].selection == {
      tagStatus      = "tagged"
      tagPatternList = ["*.*.*"]
      countType      = "imageCountMoreThan"
      countNumber    = 100000
    }
    error_message = "rule 1 must match release tags X.Y.Z with an unreachable count"
  }

  assert {
    condition     = jsondecode(aws_ecr_lifecycle_policy.this.policy).rules[1].selection == { tagStatus = "untagged", countType = "sinceImagePushed", countUnit = "days", countNumber = 7 }
    error_message = "untagged images must expire after 7 days"
  }

  assert {
    condition     = jsondecode(aws_ecr_lifecycle_policy.this.policy).rules[2].selection == { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 30 }
    error_message = "the last rule (tagStatus any) must keep the newest 30 commit-SHA images"
  }

  assert {
    condition     = alltrue([for r in jsondecode(aws_ecr_lifecycle_policy.this.policy).rules : r.action.type == "expire"])
    error_message = "ECR lifecycle rules only know expire"
  }
}

run "ecr_release_patterns_match_release_tags_only" {
  command = plan

  module {
    source = "../../modules/ecr"
  }

  # The pattern set is one pattern: ECR ANDs a tagPatternList.
  variables {
    release_tag_patterns = ["*.*.*", "v*"]
  }

  expect_failures = [var.release_tag_patterns]
}

run "github_oidc_roles" {
  command = apply

  assert {
    condition     = module.github_roles.push_subject == "repo:example-org/crm:ref:refs/heads/main"
    error_message = "push role must trust only the main branch"
  }

  assert {
    condition     = output.github_ecr_push_role_arn != "" && output.ecr_repository_url == "111122223333.dkr.ecr.us-east-1.amazonaws.com/crm-app"
    error_message = "role ARN and ECR URL outputs missing"
  }
}

run "github_oidc_trust_policies" {
  command = apply

  module {
    source = "../../modules/github-oidc-roles"
  }

  variables {
    name_prefix        = "crm-prod"
    oidc_provider_arn  = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
    ecr_repository_arn = "arn:aws:ecr:us-east-1:111122223333:repository/crm-app"
  }

  assert {
    condition = jsondecode(aws_iam_role.ecr_push.assume_role_policy).Statement[0].Condition == {
      StringEquals = {
        "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
        "token.actions.githubusercontent.com:sub" = "repo:example-org/crm:ref:refs/heads/main"
      }
    }
    error_message = "push role trust must pin aud and sub (main branch) with StringEquals"
  }

  assert {
    condition     = jsondecode(aws_iam_role.ecr_push.assume_role_policy).Statement[0].Principal.Federated == "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
    error_message = "push role must be federated with the GitHub OIDC provider"
  }

  assert {
    condition     = alltrue([for s in jsondecode(aws_iam_role_policy.ecr_push.policy).Statement : s.Resource == "arn:aws:ecr:us-east-1:111122223333:repository/crm-app" if s.Sid != "EcrLogin"])
    error_message = "push permissions must be scoped to the crm-app repository"
  }

  assert {
    condition     = !strcontains(aws_iam_role_policy.ecr_push.policy, "ecr:*")
    error_message = "no wildcard actions in the push policy"
  }
}

run "backup_bucket_and_role" {
  command = apply

  assert {
    condition     = output.backup_bucket_name == "crm-backups-111122223333-us-east-1" && output.backup_role_arn != ""
    error_message = "backup bucket name and role ARN must be output for the cluster resources"
  }

  assert {
    condition     = output.backup_service_account == "crm/crm-backup"
    error_message = "backup role must be bound to the chart's crm/crm-backup service account"
  }
}

run "backup_access_role" {
  command = apply

  module {
    source = "../../modules/backup-access"
  }

  variables {
    name_prefix       = "crm-prod"
    oidc_provider_arn = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE"
    oidc_issuer       = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE"
    bucket_arn        = "arn:aws:s3:::crm-backups-111122223333-us-east-1"
    kms_key_arn       = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000"
  }

  assert {
    condition = jsondecode(aws_iam_role.backup.assume_role_policy).Statement[0].Condition == {
      StringEquals = {
        "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:aud" = "sts.amazonaws.com"
        "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:sub" = "system:serviceaccount:crm:crm-backup"
      }
    }
    error_message = "backup role must be assumable (IRSA) only by the crm/crm-backup service account"
  }

  assert {
    condition     = jsondecode(aws_iam_role.backup.assume_role_policy).Statement[0].Principal.Federated == "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE"
    error_message = "backup role must trust the cluster's OIDC provider"
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.backup.policy).Statement : s.Resource if s.Sid == "WriteAndRestoreBackups"] == ["arn:aws:s3:::crm-backups-111122223333-us-east-1/mongodb/*"]
    error_message = "backup writes must be limited to the mongodb/ prefix of the bucket"
  }

  assert {
    condition     = !strcontains(aws_iam_role_policy.backup.policy, "s3:DeleteObject") && !strcontains(aws_iam_role_policy.backup.policy, "s3:*")
    error_message = "the backup role must not delete backups"
  }
}

run "kubernetes_version_default_is_supported" {
  command = plan

  # End of EKS standard support (docs/infrastructure.md). 1.28..1.33 are past it as of 2026-11-26 and 1.34 ends on
  # 2026-12-02; the default has to be outside this list.
  assert {
    condition     = !contains(["1.28", "1.29", "1.30", "1.31", "1.32", "1.33", "1.34"], var.kubernetes_version)
    error_message = "the default kubernetes_version is out of (or about to leave) standard support"
  }
}

run "rejects_the_seed_kubernetes_version" {
  command = plan

  module {
    source = "../../modules/eks"
  }

  variables {
    cluster_name            = "crm-prod"
    kubernetes_version      = "1.28"
    private_subnet_ids      = ["subnet-a", "subnet-b"]
    node_subnet_ids_by_zone = { "us-east-1a" = "subnet-a", "us-east-1b" = "subnet-b" }
    log_kms_key_arn         = "arn:aws:kms:us-east-1:111122223333:key/logs"
  }

  expect_failures = [var.kubernetes_version]
}

run "rejects_open_public_endpoint" {
  command = plan

  module {
    source = "../../modules/eks"
  }

  variables {
    cluster_name                 = "crm-prod"
    kubernetes_version           = "1.35"
    private_subnet_ids           = ["subnet-a", "subnet-b"]
    node_subnet_ids_by_zone      = { "us-east-1a" = "subnet-a", "us-east-1b" = "subnet-b" }
    log_kms_key_arn              = "arn:aws:kms:us-east-1:111122223333:key/logs"
    endpoint_public_access_cidrs = ["0.0.0.0/0"]
  }

  expect_failures = [var.endpoint_public_access_cidrs]
}

# Finding 3: CI has no way into the cluster: no access entry but the admins', and no GitHub deploy role.
run "no_ci_access_to_the_cluster" {
  command = apply

  assert {
    condition     = module.eks.access_entry_principal_arns == ["arn:aws:iam::111122223333:role/crm-terraform-apply"]
    error_message = "only the cluster admins may have access entries (no CI deployer: GitOps deploys)"
  }

  assert {
    condition     = !contains(keys(module.github_roles), "deploy_role_arn") && keys(module.github_roles) == ["ecr_push_role_arn", "push_subject"]
    error_message = "the GitHub deploy role must be gone; the ECR push role stays"
  }
}
