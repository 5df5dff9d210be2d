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
    condition     = length(module.network.private_subnet_ids) == 2 && length(module.network.public_subnet_ids) == 2
    error_message = "expected public and private subnets in 2 AZs by default"
  }

  assert {
    condition     = module.network.nat_gateway_count == 1
    error_message = "the seed's cost choice is a single NAT gateway"
  }

  assert {
    condition     = toset(module.network.azs) == toset(["us-east-1a", "us-east-1b"])
    error_message = "subnets must span two distinct availability zones"
  }
}

run "vpc_cidr_and_subnet_tags" {
  command = plan

  module {
    source = "../../modules/network"
  }

  variables {
    name         = "crm-prod"
    cluster_name = "crm-prod"
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
    condition     = toset(module.eks.addons) == toset(["vpc-cni", "coredns", "kube-proxy", "eks-pod-identity-agent", "aws-ebs-csi-driver"])
    error_message = "the five managed add-ons must be present"
  }

  # Room for the MongoDB replica set (docs/deploy.md): three t3a.large nodes at least, one per member.
  assert {
    condition     = length(var.node_instance_types) == 1 && var.node_instance_types[0] == "t3a.large" && var.node_min_size == 3 && var.node_desired_size == 3 && var.node_max_size == 4
    error_message = "prod nodes must default to t3a.large, min 3 / desired 3 / max 4 (three MongoDB members plus the API)"
  }
}

run "eks_module_properties" {
  command = apply

  module {
    source = "../../modules/eks"
  }

  variables {
    cluster_name        = "crm-prod"
    kubernetes_version  = "1.35"
    private_subnet_ids  = ["subnet-a", "subnet-b"]
    namespace_deployers = { github-deploy = "arn:aws:iam::111122223333:role/crm-prod-github-deploy" }
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
    condition     = length(aws_eks_node_group.default.instance_types) == 1 && aws_eks_node_group.default.instance_types[0] == "t3a.medium"
    error_message = "node type must be t3a.medium"
  }

  assert {
    condition     = aws_eks_node_group.default.scaling_config[0].desired_size == 1 && aws_eks_node_group.default.scaling_config[0].min_size == 1 && aws_eks_node_group.default.scaling_config[0].max_size == 2
    error_message = "node counts must default to min 1 / desired 1 / max 2"
  }

  assert {
    condition     = toset(aws_eks_node_group.default.subnet_ids) == toset(["subnet-a", "subnet-b"])
    error_message = "nodes must run in the private subnets"
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

  assert {
    condition     = one(aws_eks_access_policy_association.deployer["github-deploy"].access_scope).type == "namespace" && one(aws_eks_access_policy_association.deployer["github-deploy"].access_scope).namespaces == toset(["crm"])
    error_message = "the deploy role must be limited to the crm namespace"
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
    condition     = jsondecode(aws_ecr_lifecycle_policy.this.policy).rules[1].selection == { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 10 }
    error_message = "lifecycle must keep the last 10 images"
  }

  assert {
    condition     = jsondecode(aws_ecr_lifecycle_policy.this.policy).rules[0].selection.tagStatus == "untagged" && jsondecode(aws_ecr_lifecycle_policy.this.policy).rules[0].selection.countType == "sinceImagePushed" && jsondecode(aws_ecr_lifecycle_policy.this.policy).rules[0].selection.countNumber <= 7
    error_message = "untagged images must expire after a few days"
  }

  assert {
    condition     = [for r in jsondecode(aws_ecr_lifecycle_policy.this.policy).rules : r.rulePriority] == [1, 2]
    error_message = "the tagStatus any rule must have the lowest priority (highest number)"
  }
}

run "github_oidc_roles" {
  command = apply

  assert {
    condition     = module.github_roles.push_subject == "repo:example-org/crm:ref:refs/heads/main"
    error_message = "push role must trust only the main branch"
  }

  assert {
    condition     = module.github_roles.deploy_subject == "repo:example-org/crm:environment:production"
    error_message = "deploy role must trust only the production environment"
  }

  assert {
    condition     = output.github_ecr_push_role_arn != "" && output.github_deploy_role_arn != "" && output.ecr_repository_url == "111122223333.dkr.ecr.us-east-1.amazonaws.com/crm-app"
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
    cluster_arn        = "arn:aws:eks:us-east-1:111122223333:cluster/crm-prod"
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
    condition = jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Condition == {
      StringEquals = {
        "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
        "token.actions.githubusercontent.com:sub" = "repo:example-org/crm:environment:production"
      }
    }
    error_message = "deploy role trust must pin aud and sub (production environment) with StringEquals"
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
    condition     = !strcontains(aws_iam_role_policy.deploy.policy, "\"*\"") && !strcontains(aws_iam_role_policy.ecr_push.policy, "ecr:*")
    error_message = "no wildcard resources or actions in the deploy policy"
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
    cluster_name       = "crm-prod"
    kubernetes_version = "1.28"
    private_subnet_ids = ["subnet-a", "subnet-b"]
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
    endpoint_public_access_cidrs = ["0.0.0.0/0"]
  }

  expect_failures = [var.endpoint_public_access_cidrs]
}
