variable "region" {
  description = "AWS region."
  type        = string
  default     = "us-east-1"
}

variable "environment" {
  description = "Environment name (tags, resource names)."
  type        = string
  default     = "prod"
}

variable "name" {
  description = "Name of the cluster and prefix of the other resources."
  type        = string
  default     = "crm-prod"
}

variable "github_repository" {
  description = "GitHub repository (owner/name) whose workflows get the OIDC roles."
  type        = string
}

variable "github_oidc_provider_arn" {
  description = "ARN of the GitHub OIDC provider; null means the one the bootstrap config created in this account."
  type        = string
  default     = null
}

variable "vpc_cidr" {
  description = "VPC CIDR (seed: 10.0.0.0/16)."
  type        = string
  default     = "10.0.0.0/16"
}

variable "az_count" {
  description = "Availability zones to span (2 or 3)."
  type        = number
  default     = 2
}

variable "single_nat_gateway" {
  description = "One shared NAT gateway (seed's cost choice, ~$33/month each) instead of one per AZ (survives an AZ outage)."
  type        = bool
  default     = true
}

variable "kubernetes_version" {
  description = "EKS Kubernetes version. 1.35 is in standard support until 27 March 2027; the seed's 1.28 can no longer be created."
  type        = string
  default     = "1.35"
}

variable "endpoint_public_access_cidrs" {
  description = "CIDRs allowed to reach the public Kubernetes API endpoint (admin workstations, CI egress)."
  type        = list(string)
}

variable "cluster_admin_principal_arns" {
  description = "IAM roles/users given cluster-admin through access entries (include the role that runs terraform apply)."
  type        = list(string)
  default     = []
}

# Sized for the MongoDB replica set: three members (1 GiB + 160 MiB requested each, one per node when possible)
# plus 2-6 API pods and the platform; the arithmetic is in docs/deploy.md ("MongoDB replica set").
variable "node_instance_types" {
  description = "Worker instance types (seed: t3a.medium; t3a.large for the MongoDB replica set)."
  type        = list(string)
  default     = ["t3a.large"]
}

variable "node_min_size" {
  description = "Minimum worker nodes (3: one per MongoDB member)."
  type        = number
  default     = 3
}

variable "node_max_size" {
  description = "Maximum worker nodes."
  type        = number
  default     = 4
}

variable "node_desired_size" {
  description = "Desired worker nodes (seed: 1; 3 for the MongoDB replica set)."
  type        = number
  default     = 3
}

variable "app_namespace" {
  description = "Namespace of the application (deploy role scope, backup service account)."
  type        = string
  default     = "crm"
}

variable "backup_service_account" {
  description = "Service account of the MongoDB backup CronJob (the chart names it <release fullname>-backup)."
  type        = string
  default     = "crm-backup"
}

variable "bootstrap_name_prefix" {
  description = "name_prefix of the bootstrap config: the backup bucket crm-backups-<account>-<region> and key alias/crm-backups are found by it."
  type        = string
  default     = "crm"
}
